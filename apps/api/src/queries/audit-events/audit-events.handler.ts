import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { READ_DATABASE, type Database } from '@tag-history/database';
import type { Kysely } from 'kysely';
import { toRecordedEvent } from '@tag-history/event-store';
import { AuditEventsQuery, type AuditPage } from './audit-events.query';

/** Reads the log itself: the audit answers from what was signed, not from a projection of it. */
@QueryHandler(AuditEventsQuery)
export class AuditEventsHandler implements IQueryHandler<AuditEventsQuery, AuditPage> {
  constructor(@Inject(READ_DATABASE) private readonly db: Kysely<Database>) {}

  async execute({ filter, n, before }: AuditEventsQuery): Promise<AuditPage> {
    const { repository, tag, actor, type, since, until } = filter;
    const rows = await this.db
      .selectFrom('events')
      .selectAll()
      .$if(repository !== undefined, (q) => q.where((eb) => eb(eb.ref('data', '->>').key('repository'), '=', repository!)))
      .$if(tag !== undefined, (q) => q.where((eb) => eb(eb.ref('data', '->>').key('tag'), '=', tag!)))
      .$if(actor !== undefined, (q) => q.where('actor', '=', actor!))
      .$if(type !== undefined, (q) => q.where('type', '=', type!))
      .$if(since !== undefined, (q) => q.where('recorded_at', '>=', since!))
      .$if(until !== undefined, (q) => q.where('recorded_at', '<', until!))
      .$if(before !== undefined, (q) => q.where('position', '<', before!))
      .orderBy('position', 'desc')
      .limit(n + 1)
      .execute();
    return { events: rows.slice(0, n).map(toRecordedEvent), more: rows.length > n };
  }
}
