import type { Database } from '@tag-history/database';
import type { Kysely } from 'kysely';
import type { ChangeEvent } from './tag-change';

/** Events after `after`, in log order, without what a tag change does not need (the JWS, hashes). */
export async function readTagChanges(db: Kysely<Database>, after: number, limit: number): Promise<ChangeEvent[]> {
  const rows = await db
    .selectFrom('events')
    .select(['position', 'stream_id', 'version', 'type', 'data', 'actor', 'recorded_at'])
    .where('position', '>', after)
    .orderBy('position')
    .limit(limit)
    .execute();
  return rows.map((r) => ({
    position: r.position,
    streamId: r.stream_id,
    version: r.version,
    type: r.type,
    data: r.data,
    actor: r.actor,
    recordedAt: r.recorded_at,
  }));
}

/** Where the log ends now. */
export async function logHead(db: Kysely<Database>): Promise<number> {
  const row = await db.selectFrom('log_head').select('position').where('id', '=', 1).executeTakeFirst();
  return row?.position ?? 0;
}
