import { Inject, Injectable } from '@nestjs/common';
import { DATABASE, type Database, type RegistryChecksTable } from '@tag-history/database';
import { type Insertable, type Kysely, type Selectable, sql } from 'kysely';
import { CLOCK, type Clock } from '../infrastructure/clock';

export type Check = Selectable<RegistryChecksTable>;
export type NewCheck = Pick<Insertable<RegistryChecksTable>, 'notification_id' | 'kind' | 'repository' | 'tag' | 'digest' | 'actor' | 'request_id'>;

const CLAIM_MS = 60_000;
const MAX_FAILURE_DELAY_MS = 60_000;
/** How long a finished check is kept so that a redelivery of its notification is recognised. */
const KEEP_DONE_MS = 7 * 86_400_000;

/** The durable queue of checks: a notification is answered once its checks are here. */
@Injectable()
export class RegistryChecks {
  constructor(
    @Inject(DATABASE) private readonly db: Kysely<Database>,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Queues checks; one whose notification id is already queued (a redelivery) is skipped. Answers how many were new. */
  async enqueue(registry: string, checks: NewCheck[]): Promise<number> {
    if (checks.length === 0) return 0;
    const now = this.clock();
    const rows = checks.map((c) => ({ ...c, registry, received_at: now, not_before: now }));
    const inserted = await this.db
      .insertInto('registry_checks')
      .values(rows)
      .onConflict((oc) => oc.columns(['registry', 'notification_id']).doNothing())
      .returning('id')
      .execute();
    return inserted.length;
  }

  /** Due checks, oldest first, claimed for this instance until it finishes them or the claim runs out. */
  async claim(limit: number): Promise<Check[]> {
    const now = this.clock();
    return this.db
      .updateTable('registry_checks')
      .set({ claimed_until: new Date(now.getTime() + CLAIM_MS) })
      .where('id', 'in', (qb) =>
        qb
          .selectFrom('registry_checks')
          .select('id')
          .where('done_at', 'is', null)
          .where('not_before', '<=', now)
          .where((eb) => eb.or([eb('claimed_until', 'is', null), eb('claimed_until', '<', now)]))
          .orderBy('id')
          .limit(limit)
          .forUpdate()
          .skipLocked(),
      )
      .returningAll()
      .execute()
      .then((rows) => rows.sort((a, b) => Number(a.id) - Number(b.id)));
  }

  async finish(id: number): Promise<void> {
    await this.db.updateTable('registry_checks').set({ done_at: this.clock(), claimed_until: null }).where('id', '=', id).execute();
  }

  /** The registry did not yet show what the notification named: look again after `delayMs`. */
  async retry(check: Check, delayMs: number): Promise<void> {
    const notBefore = new Date(this.clock().getTime() + delayMs);
    await this.db
      .updateTable('registry_checks')
      .set({ attempts: check.attempts + 1, not_before: notBefore, claimed_until: null })
      .where('id', '=', check.id)
      .execute();
  }

  /** The registry could not be asked: back off, never give up. */
  async fail(check: Check, baseDelayMs: number): Promise<void> {
    const delay = Math.min(MAX_FAILURE_DELAY_MS, Math.max(baseDelayMs, 100) * 2 ** Math.min(check.failures, 10));
    await this.db
      .updateTable('registry_checks')
      .set({ failures: check.failures + 1, not_before: new Date(this.clock().getTime() + delay), claimed_until: null })
      .where('id', '=', check.id)
      .execute();
  }

  /** When the next unfinished check is due; null when none is waiting. */
  async nextDue(): Promise<Date | null> {
    const row = await this.db
      .selectFrom('registry_checks')
      .select(sql<Date>`min(not_before)`.as('due'))
      .where('done_at', 'is', null)
      .executeTakeFirst();
    return row?.due ? new Date(row.due) : null;
  }

  async pending(): Promise<number> {
    const row = await this.db
      .selectFrom('registry_checks')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where('done_at', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Unfinished checks, and when the oldest of them was received: the watcher's queue depth and lag. */
  async backlog(): Promise<{ depth: number; oldest: Date | null }> {
    const row = await this.db
      .selectFrom('registry_checks')
      .select((eb) => [eb.fn.countAll<number>().as('n'), sql<Date | null>`min(received_at)`.as('oldest')])
      .where('done_at', 'is', null)
      .executeTakeFirstOrThrow();
    return { depth: Number(row.n), oldest: row.oldest ? new Date(row.oldest) : null };
  }

  async prune(): Promise<void> {
    await this.db
      .deleteFrom('registry_checks')
      .where('done_at', '<', new Date(this.clock().getTime() - KEEP_DONE_MS))
      .execute();
  }
}
