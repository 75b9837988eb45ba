import type { Database } from '@tag-history/database';
import type { Kysely } from 'kysely';

/** Whether a stream has any event: an empty page of a tag that never existed is TAG_UNKNOWN, not an empty history. */
export async function everWritten(db: Kysely<Database>, streamId: string): Promise<boolean> {
  const row = await db.selectFrom('events').select('version').where('stream_id', '=', streamId).where('version', '=', 1).executeTakeFirst();
  return row !== undefined;
}
