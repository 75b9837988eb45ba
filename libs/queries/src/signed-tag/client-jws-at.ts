import type { Database } from '@tag-history/database';
import { type TagJws, tagStreamId } from '@tag-history/domain';
import type { Kysely } from 'kysely';

/** The client's JWS of the event that made `version` of a tag, when a client-signed PUT made it. Reads the (stream, version) key. */
export async function clientJwsAt(db: Kysely<Database>, repository: string, tag: string, version: number): Promise<TagJws | undefined> {
  const row = await db
    .selectFrom('events')
    .select('data')
    .where('stream_id', '=', tagStreamId(repository, tag))
    .where('version', '=', version)
    .executeTakeFirst();
  return (row?.data as { jws?: TagJws } | undefined)?.jws;
}
