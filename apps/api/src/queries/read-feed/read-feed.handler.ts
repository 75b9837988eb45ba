import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { READ_DATABASE, type Database } from '@tag-history/database';
import { type RecordedEvent, toRecordedEvent } from '@tag-history/event-store';
import { type Kysely, sql } from 'kysely';
import { type FeedFilter, ReadFeedQuery } from './read-feed.query';

/**
 * Positions are allocated under the log head's row lock and so in commit
 * order: once position p is visible, no event below p can still appear, and
 * "after p" is all a reader needs to resume without gaps or repeats.
 */
export async function readFeed(db: Kysely<Database>, after: number, limit: number, filter: FeedFilter): Promise<RecordedEvent[]> {
  let query = db.selectFrom('events').selectAll().where('position', '>', after);
  if (filter.repository !== undefined) query = query.where(sql<string>`data->>'repository'`, '=', filter.repository);
  if (filter.types.length > 0) query = query.where('type', 'in', filter.types);
  const rows = await query.orderBy('position').limit(limit).execute();
  return rows.map(toRecordedEvent);
}

@QueryHandler(ReadFeedQuery)
export class ReadFeedHandler implements IQueryHandler<ReadFeedQuery, RecordedEvent[]> {
  constructor(@Inject(READ_DATABASE) private readonly db: Kysely<Database>) {}

  execute({ after, limit, filter }: ReadFeedQuery): Promise<RecordedEvent[]> {
    return readFeed(this.db, after, limit, filter);
  }
}
