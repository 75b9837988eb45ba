import type { Database } from '@tag-history/database';
import { type Kysely, sql } from 'kysely';

// RFC 6962 leaf hash of the event's JWS, computed where the JWS is: 32 bytes cross the wire instead of the JWS.
const leaf = sql<Buffer>`sha256(decode('00', 'hex') || convert_to(jws, 'UTF8'))`.as('leaf');

/**
 * The leaf hashes of up to `limit` committed events after position `after`, in position order. Bounded by the
 * committed log head: the index scan then stops there, rather than stepping over every row of a big append in flight.
 */
export async function leafHashesAfter(db: Kysely<Database>, after: number, limit: number): Promise<{ position: number; leaf: Buffer }[]> {
  const rows = await db
    .selectFrom('events')
    .select(['position', leaf])
    .where('position', '>', after)
    .where('position', '<=', db.selectFrom('log_head').select('position').where('id', '=', 1))
    .orderBy('position')
    .limit(limit)
    .execute();
  return rows.map((r) => ({ position: Number(r.position), leaf: Buffer.from(r.leaf) }));
}

/** The leaf hashes of the events at `positions` (those that exist). */
export async function leafHashesAt(db: Kysely<Database>, positions: number[]): Promise<Map<number, Buffer>> {
  if (positions.length === 0) return new Map();
  const rows = await db.selectFrom('events').select(['position', leaf]).where('position', 'in', positions).execute();
  return new Map(rows.map((r) => [Number(r.position), Buffer.from(r.leaf)]));
}
