import { Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Database } from '@tag-history/database';
import type { Kysely } from 'kysely';
import type { LogIntegrator } from './log-integrator';

/** How often the integrator looks for new events: batches appends into few, larger tree updates. */
const PERIOD_MS = 1_000;

/**
 * Runs the integrator in the background: every PERIOD_MS it integrates what
 * was committed, and it re-signs the timestamp well within the checkpoint
 * interval even when nothing was appended.
 */
export class IntegratorLoop implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('transparency');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private lastStamp = 0;
  private stopped = false;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly integrator: LogIntegrator,
    private readonly intervalMs: number,
    private readonly now: () => Date,
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Stops integrating and timestamping (tests use it to freeze the log's view). */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
  }

  onApplicationBootstrap(): void {
    this.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.stop();
  }

  /** Integrates now, in the caller's time: for answers that need their events in a checkpoint. */
  integrateNow(): Promise<number> {
    return this.integrator.integrateAll();
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.running = this.tick().finally(() => this.schedule(PERIOD_MS));
    }, ms);
  }

  private async tick(): Promise<void> {
    try {
      const state = await this.db
        .selectFrom('log_head')
        .select((eb) => ['position', eb.selectFrom('log_tree').select('size').as('size')])
        .executeTakeFirstOrThrow();
      const now = this.now().getTime();
      const before = Number(state.size);
      // A new checkpoint comes with a new timestamp.
      if (Number(state.position) !== before && (await this.integrator.integrateAll()) !== before) {
        this.lastStamp = now;
      } else if (now - this.lastStamp >= this.intervalMs / 2) {
        // On the first tick too: an empty log gets its first checkpoint, a restarted one a fresh timestamp.
        await this.integrator.integrateAll();
        await this.integrator.refreshTimestamp();
        this.lastStamp = now;
      }
    } catch (error) {
      this.logger.warn(`integration failed, retrying: ${error instanceof Error ? error.message : error}`);
    }
  }
}
