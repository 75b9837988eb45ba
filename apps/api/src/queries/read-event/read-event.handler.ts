import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { READ_DATABASE, type Database } from '@tag-history/database';
import { TagHistoryError } from '@tag-history/domain';
import { archivedSegmentOf, toRecordedEvent } from '@tag-history/event-store';
import type { Kysely } from 'kysely';
import { type EventWithPrevious, ReadEventQuery } from './read-event.query';

@QueryHandler(ReadEventQuery)
export class ReadEventHandler implements IQueryHandler<ReadEventQuery, EventWithPrevious | undefined> {
  constructor(@Inject(READ_DATABASE) private readonly db: Kysely<Database>) {}

  async execute({ position }: ReadEventQuery): Promise<EventWithPrevious | undefined> {
    const row = await this.db.selectFrom('events').selectAll().where('position', '=', position).executeTakeFirst();
    if (!row) return this.archived(position);
    const previous =
      row.version > 1
        ? await this.db
            .selectFrom('events')
            .selectAll()
            .where('stream_id', '=', row.stream_id)
            .where('version', '=', row.version - 1)
            .executeTakeFirst()
        : undefined;
    // The event before it may be archived (this is its stream's first kept event): 410 rather than a broken-looking chain.
    if (row.version > 1 && !previous) {
      const head = await this.db
        .selectFrom('log_archived_streams')
        .select('segment')
        .where('stream_id', '=', row.stream_id)
        .where('version', '=', row.version - 1)
        .executeTakeFirst();
      if (head)
        throw new TagHistoryError('ARCHIVED', `the event before ${position} in its stream is archived in segment ${head.segment}`, {
          position,
          segment: head.segment,
        });
    }
    return { event: toRecordedEvent(row), previous: previous ? toRecordedEvent(previous) : null };
  }

  /** 410 ARCHIVED when `position` is in an archived segment; else there is no such event. */
  private async archived(position: number): Promise<undefined> {
    const segment = await archivedSegmentOf(this.db, position);
    if (segment) throw new TagHistoryError('ARCHIVED', `event ${position} is archived in segment ${segment}`, { position, segment });
    return undefined;
  }
}
