import { type Database, requiredPosition, withRequiredPosition } from '@tag-history/database';
import type { Kysely } from 'kysely';
import type { TagView } from '../tag-view';
import { getTag } from './get-tag';
import { getTags, type TagKey } from './get-tags';

interface Waiting extends TagKey {
  /** The log position its request must see (Tag-History-Min-Position). */
  atLeast: number | undefined;
  resolve(view: TagView | undefined): void;
  reject(error: unknown): void;
}

export interface CoalescingOptions {
  /** Queries running at once; lookups arriving while all run wait and go together in the next. */
  maxInFlight: number;
  maxBatch: number;
}

/**
 * Current-tag lookups, coalesced under load: one query answers every lookup
 * that arrived while the previous queries ran, so the database does one index
 * probe per lookup instead of a whole statement. Alone, a lookup is sent at
 * once, so coalescing adds no latency.
 *
 * Read-your-writes holds: a lookup only joins a query that has not been sent
 * yet, so the query starts after the lookup arrived and sees every write
 * committed before it. A query is routed by the highest position any of
 * its lookups requires, not by whichever request happened to send it.
 */
export class CoalescedTagLookups {
  private waiting: Waiting[] = [];
  private inFlight = 0;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly options: CoalescingOptions = { maxInFlight: 4, maxBatch: 500 },
  ) {}

  get(repository: string, tag: string): Promise<TagView | undefined> {
    return new Promise((resolve, reject) => {
      this.waiting.push({ repository, tag, atLeast: requiredPosition(), resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.inFlight < this.options.maxInFlight && this.waiting.length > 0) {
      const batch = this.waiting.splice(0, this.options.maxBatch);
      this.inFlight++;
      const required = batch.reduce<number | undefined>((max, w) => (w.atLeast === undefined ? max : Math.max(max ?? 0, w.atLeast)), undefined);
      const query = withRequiredPosition(required, () =>
        batch.length === 1 ? getTag(this.db, batch[0]!.repository, batch[0]!.tag).then((view) => [view]) : getTags(this.db, batch),
      );
      query
        .then(
          (views) => batch.forEach((w, i) => w.resolve(views[i])),
          (error) => batch.forEach((w) => w.reject(error)),
        )
        .finally(() => {
          this.inFlight--;
          this.pump();
        });
    }
  }
}
