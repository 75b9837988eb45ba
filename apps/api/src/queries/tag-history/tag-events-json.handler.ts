import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { READ_DATABASE, type Database } from '@tag-history/database';
import { tagStreamId } from '@tag-history/domain';
import type { Kysely } from 'kysely';
import { toTagEventView } from '@tag-history/queries';
import { olderEventsRemain } from './older-events-remain';
import { tagEventsJsonSelect } from './tag-events-json-select';
import { type TagEventsJson, TagEventsJsonQuery } from './tag-events-json.query';

/**
 * The same backward scan of the (stream_id, version) index as TagEventsHandler,
 * with Postgres writing each event's JSON: the service copies text instead of
 * parsing each row's data, time and JWS, mapping it and serialising it again
 * (most of a page's cost). Events Postgres leaves to it (a null in their data)
 * are read again and serialised here, the same bytes either way.
 */
@QueryHandler(TagEventsJsonQuery)
export class TagEventsJsonHandler implements IQueryHandler<TagEventsJsonQuery, TagEventsJson> {
  constructor(@Inject(READ_DATABASE) private readonly db: Kysely<Database>) {}

  async execute({ repository, tag, n, belowVersion }: TagEventsJsonQuery): Promise<TagEventsJson> {
    const streamId = tagStreamId(repository, tag);
    const rows = await tagEventsJsonSelect(this.db, streamId, n + 1, belowVersion).execute();
    const more = await olderEventsRemain(this.db, { repository, tag, streamId }, rows.length, n, 0);
    const page = rows.slice(0, n);
    const left = page.filter((row) => row.json === null).map((row) => row.version);
    const mapped = left.length === 0 ? new Map<number, string>() : await this.serialise(streamId, left);
    return {
      events: page.map((row) => row.json ?? mapped.get(row.version)).join(','),
      oldest: page[page.length - 1]?.version,
      more,
    };
  }

  private async serialise(streamId: string, versions: number[]): Promise<Map<number, string>> {
    const rows = await this.db
      .selectFrom('events')
      .select(['version', 'position', 'type', 'data', 'actor', 'recorded_at', 'jws'])
      .where('stream_id', '=', streamId)
      .where('version', 'in', versions)
      .execute();
    return new Map(rows.map((row) => [row.version, JSON.stringify(toTagEventView(row))]));
  }
}
