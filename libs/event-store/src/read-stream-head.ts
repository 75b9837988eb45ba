import type { Database } from '@tag-history/database';
import type { Kysely } from 'kysely';

/** Where a stream is now: what an append must expect, and the decider state after it. */
export interface StreamHead<S = unknown> {
  version: number;
  lastHash: string | null;
  snapshot: S | null;
  /** True when the head comes from this instance's memory, not from the database. */
  cached?: boolean;
}

export async function readStreamHead<S>(db: Kysely<Database>, streamId: string): Promise<StreamHead<S>> {
  const row = await db
    .selectFrom('streams')
    .select(['version', 'last_hash', 'snapshot'])
    .where('stream_id', '=', streamId)
    .executeTakeFirst();
  // Version 0 rows exist when a create lost a race; they hold no events.
  if (!row || row.version === 0) return { version: 0, lastHash: null, snapshot: null };
  return { version: row.version, lastHash: row.last_hash, snapshot: row.snapshot as S };
}
