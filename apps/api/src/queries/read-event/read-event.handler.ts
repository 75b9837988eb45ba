import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { READ_DATABASE, type Database } from '@tag-history/database';
import { toRecordedEvent } from '@tag-history/event-store';
import type { Kysely } from 'kysely';
import { type EventWithPrevious, ReadEventQuery } from './read-event.query';

@QueryHandler(ReadEventQuery)
export class ReadEventHandler implements IQueryHandler<ReadEventQuery, EventWithPrevious | undefined> {
  constructor(@Inject(READ_DATABASE) private readonly db: Kysely<Database>) {}

  async execute({ position }: ReadEventQuery): Promise<EventWithPrevious | undefined> {
    const row = await this.db.selectFrom('events').selectAll().where('position', '=', position).executeTakeFirst();
    if (!row) return undefined;
    const previous =
      row.version > 1
        ? await this.db
            .selectFrom('events')
            .selectAll()
            .where('stream_id', '=', row.stream_id)
            .where('version', '=', row.version - 1)
            .executeTakeFirst()
        : undefined;
    return { event: toRecordedEvent(row), previous: previous ? toRecordedEvent(previous) : null };
  }
}
