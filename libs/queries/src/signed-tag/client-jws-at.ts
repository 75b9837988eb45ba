import type { Database } from '@tag-history/database';
import { type TagJws, tagStreamId } from '@tag-history/domain';
import type { Kysely } from 'kysely';

/**
 * The client's JWS of the event that made `version` of a tag: null when no
 * client signed it, undefined when that event is not in the log (archived,
 * and not its stream's last archived one, whose client JWS the archive
 * keeps). Reads the (stream, version) key.
 */
export async function clientJwsAt(db: Kysely<Database>, repository: string, tag: string, version: number): Promise<TagJws | null | undefined> {
  const stream = tagStreamId(repository, tag);
  const row = await db.selectFrom('events').select('data').where('stream_id', '=', stream).where('version', '=', version).executeTakeFirst();
  if (row) return (row.data as { jws?: TagJws }).jws ?? null;
  const archived = await db
    .selectFrom('log_archived_streams')
    .select('client_jws')
    .where('stream_id', '=', stream)
    .where('version', '=', version)
    .executeTakeFirst();
  return archived ? ((archived.client_jws as TagJws | null) ?? null) : undefined;
}
