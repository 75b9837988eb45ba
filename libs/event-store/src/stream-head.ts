import type { Database } from '@tag-history/database';
import { type Kysely, sql } from 'kysely';

/** Where a stream is: what an append must expect, and the decider state there (null before its first event). */
export interface StreamHead {
  version: number;
  lastHash: string | null;
  snapshot: unknown;
}

const EMPTY_HEAD: StreamHead = { version: 0, lastHash: null, snapshot: null };

/** The heads of `ids` as the database has them, in one query; streams without events are empty. */
export async function readStreamHeads(db: Kysely<Database>, ids: string[]): Promise<Map<string, StreamHead>> {
  const { rows } = await sql<{ stream_id: string; version: number; last_hash: string | null; snapshot: unknown }>`
    select stream_id, version, last_hash, snapshot from streams where stream_id = any(${ids}::text[])`.execute(db);
  const heads = new Map(ids.map((id) => [id, EMPTY_HEAD]));
  // Version 0 rows exist when a create lost a race; they hold no events.
  for (const r of rows) if (r.version > 0) heads.set(r.stream_id, { version: r.version, lastHash: r.last_hash, snapshot: r.snapshot });
  return heads;
}
