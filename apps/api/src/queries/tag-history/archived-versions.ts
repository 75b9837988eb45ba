import type { Database } from '@tag-history/database';
import { TagHistoryError } from '@tag-history/domain';
import type { Kysely } from 'kysely';

export interface ArchivedVersions {
  /** The stream's last archived version: 1 to this are in segments. */
  version: number;
  segment: string;
}

/** The stream's archived versions, when some above `after` were archived. */
export async function archivedAbove(db: Kysely<Database>, streamId: string, after: number): Promise<ArchivedVersions | undefined> {
  const archived = await db.selectFrom('log_archived_streams').select(['version', 'segment']).where('stream_id', '=', streamId).executeTakeFirst();
  return archived && archived.version > after ? archived : undefined;
}

/** A history page that needed archived versions: a full page links on to them instead (its next page is this answer). */
export function archivedPage(streamId: string, { version, segment }: ArchivedVersions): TagHistoryError {
  return new TagHistoryError('ARCHIVED', `versions 1 to ${version} of ${streamId} are archived, the last in segment ${segment}`, {
    stream: streamId,
    version,
    segment,
  });
}
