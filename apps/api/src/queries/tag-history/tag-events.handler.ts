import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { READ_DATABASE, type Database } from '@tag-history/database';
import { tagStreamId } from '@tag-history/domain';
import { type Kysely, sql } from 'kysely';
import { toTagEventView } from '@tag-history/queries';
import { olderEventsRemain } from './older-events-remain';
import { versionBound } from './version-bound';
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
    const below = Math.min(
      versionBound(range.belowVersion) ?? Infinity,
      range.before ? (await versionAt(this.db, repository, tag, range.before, true)) + 1 : Infinity,
    );
    if (below !== Infinity) query = query.where('version', '<', below);
    const since = range.since ? await versionAt(this.db, repository, tag, range.since, true) : 0;
    if (range.since) query = query.where('version', '>', since);
    if (range.digest !== undefined) {
      query = query.where(sql<boolean>`case when type = 'TagDeleted' then data->'from'->>'digest' else data->'target'->>'digest' end = ${range.digest}`);
    }
    const rows = await query
      .orderBy('version', 'desc')
      .limit(n + 1)
      .execute();
    const more = await olderEventsRemain(this.db, { repository, tag, streamId }, rows.length, n, since);
    return { events: rows.slice(0, n).map(toTagEventView), more };
  }
}
