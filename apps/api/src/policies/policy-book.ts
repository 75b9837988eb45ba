import { Inject, Injectable } from '@nestjs/common';
import { DATABASE, type Database } from '@tag-history/database';
import type { Policy } from '@tag-history/domain';
import type { Kysely } from 'kysely';
import { readPolicies } from './read-policies';

/**
 * The policies every tag write is decided under, read fresh for each write
 * (another instance may have just changed them). Concurrent writers share
 * reads: one that arrives while a read runs waits for the next one, which
 * starts after it arrived, so no writer is decided under policies older than
 * its own request.
 */
@Injectable()
export class PolicyBook {
  private running?: Promise<Policy[]>;
  private next?: Promise<Policy[]>;

  constructor(@Inject(DATABASE) private readonly db: Kysely<Database>) {}

  current(): Promise<Policy[]> {
    if (!this.running) {
      this.running = readPolicies(this.db).finally(() => (this.running = undefined));
      return this.running;
    }
    this.next ??= this.running
      .catch(() => undefined)
      .then(() => {
        this.next = undefined;
        return this.current();
      });
    return this.next;
  }
}
