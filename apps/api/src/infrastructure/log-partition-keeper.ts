import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { DATABASE, type Database, extendLogPartitions } from '@tag-history/database';
import type { Kysely } from 'kysely';

/** A partition holds ten million positions by default: a minute is far less than any log takes to fill one. */
const PERIOD_MS = 60_000;

/** Makes the log's next partition while a whole one of room is still left (see docs/scaling.md). */
@Injectable()
export class LogPartitionKeeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('log-partitions');
  private timer?: NodeJS.Timeout;

  constructor(@Inject(DATABASE) private readonly db: Kysely<Database>) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.keep(), PERIOD_MS).unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  async keep(): Promise<void> {
    try {
      const made = await extendLogPartitions(this.db);
      if (made > 0) this.logger.log(`made ${made} log partition(s) ahead of the head`);
    } catch (error) {
      // Several instances share the work and the next minute retries: a failure here stops no write yet.
      this.logger.warn(`could not make the next log partition: ${(error as Error).message}`);
    }
  }
}
