import type { Database } from '@tag-history/database';
import { TagHistoryError } from '@tag-history/domain';
import type { Kysely } from 'kysely';
import { everWritten } from '@tag-history/queries';

/**
 * What a page of a tag's events, read newest first with one row more than
 * the page (`read` rows for a page of `n`), says of the rest: whether older
 * events remain, archived ones included. A page that runs into the stream's
 * archived versions links on to them when full (the next page answers 410),
 * and is answered 410 ARCHIVED itself when it needed them; an empty page of
 * a tag never written is 404 TAG_UNKNOWN. `after`: the version the page may
 * not go below (its `since`), 0 for none.
 */
export async function olderEventsRemain(
  db: Kysely<Database>,
  { repository, tag, streamId }: { repository: string; tag: string; streamId: string },
  read: number,
  n: number,
  after: number,
): Promise<boolean> {
  if (read > n) return true;
  const archived = await db.selectFrom('log_archived_streams').select(['version', 'segment']).where('stream_id', '=', streamId).executeTakeFirst();
  if (archived && archived.version > after) {
    if (read === n) return true;
    throw new TagHistoryError('ARCHIVED', `versions 1 to ${archived.version} of ${streamId} are archived, the last in segment ${archived.segment}`, {
      stream: streamId,
      version: archived.version,
      segment: archived.segment,
    });
  }
  if (read === 0 && !(await everWritten(db, streamId))) {
    throw new TagHistoryError('TAG_UNKNOWN', `tag ${repository}:${tag} has no history`, { name: repository, tag });
  }
  return false;
}
