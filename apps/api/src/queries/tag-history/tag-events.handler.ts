import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { READ_DATABASE, type Database } from '@tag-history/database';
import { TagHistoryError, tagStreamId } from '@tag-history/domain';
import { type Kysely, sql } from 'kysely';
import { toTagEventView } from '@tag-history/queries';
import { type TagEventsPage, TagEventsQuery } from './tag-events.query';
import { versionAt } from '@tag-history/queries';

/**
 * Reads the log itself: it holds each event's JWS. The scan walks the
 * (stream_id, version) unique index backwards from the cursor, so a page
 * costs the same however long the history is.
 */
@QueryHandler(TagEventsQuery)
export class TagEventsHandler implements IQueryHandler<TagEventsQuery, TagEventsPage> {
  constructor(@Inject(READ_DATABASE) private readonly db: Kysely<Database>) {}

  async execute({ repository, tag, n, range }: TagEventsQuery): Promise<TagEventsPage> {
    const streamId = tagStreamId(repository, tag);
    let query = this.db.selectFrom('events').select(['version', 'position', 'type', 'data', 'actor', 'recorded_at', 'jws']).where('stream_id', '=', streamId);
    // Times become version bounds through tag_history's time index, so the scan still starts at the right index entry.
    const below = Math.min(range.belowVersion ?? Infinity, range.before ? (await versionAt(this.db, repository, tag, range.before, true)) + 1 : Infinity);
    if (below !== Infinity) query = query.where('version', '<', below);
    if (range.since) query = query.where('version', '>', await versionAt(this.db, repository, tag, range.since, true));
    if (range.digest !== undefined) {
      query = query.where(sql<boolean>`case when type = 'TagDeleted' then data->'from'->>'digest' else data->'target'->>'digest' end = ${range.digest}`);
    }
    const rows = await query
      .orderBy('version', 'desc')
      .limit(n + 1)
      .execute();
    // A page that runs out may have run into the stream's archived versions: a full one links on to them (the next
    // page answers 410), one that needed them is answered 410 itself.
    const archived =
      rows.length <= n ? await this.archivedAbove(streamId, range.since ? await versionAt(this.db, repository, tag, range.since, true) : 0) : undefined;
    if (archived && rows.length < n) {
      throw new TagHistoryError('ARCHIVED', `versions 1 to ${archived.version} of ${streamId} are archived, the last in segment ${archived.segment}`, {
        stream: streamId,
        version: archived.version,
        segment: archived.segment,
      });
    }
    if (rows.length === 0 && !(await this.everWritten(streamId))) {
      throw new TagHistoryError('TAG_UNKNOWN', `tag ${repository}:${tag} has no history`, { name: repository, tag });
    }
    return { events: rows.slice(0, n).map(toTagEventView), more: rows.length > n || archived !== undefined };
  }

  /** The stream's last archived version and its segment, when versions above `after` were archived. */
  private async archivedAbove(streamId: string, after: number): Promise<{ version: number; segment: string } | undefined> {
    const archived = await this.db.selectFrom('log_archived_streams').select(['version', 'segment']).where('stream_id', '=', streamId).executeTakeFirst();
    return archived && archived.version > after ? archived : undefined;
  }

  private async everWritten(streamId: string): Promise<boolean> {
    const row = await this.db.selectFrom('events').select('version').where('stream_id', '=', streamId).where('version', '=', 1).executeTakeFirst();
    return row !== undefined;
  }
}
