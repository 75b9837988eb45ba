import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { READ_DATABASE, type Database } from '@tag-history/database';
import { type Kysely, sql } from 'kysely';
import { type RepositoryTimeline, RepositoryTimelineQuery, type TimelineEnd } from './repository-timeline.query';

/**
 * Latest first by the interval's end (open intervals first): cut after
 * `limit`, what is left still covers every moment after the last end kept,
 * so a chart of a tag with 100,000 moves draws a complete window instead of
 * every event at once. The event types come from the log by (stream, version).
 */
@QueryHandler(RepositoryTimelineQuery)
export class RepositoryTimelineHandler implements IQueryHandler<RepositoryTimelineQuery, RepositoryTimeline> {
  constructor(@Inject(READ_DATABASE) private readonly db: Kysely<Database>) {}

  async execute({ repository, limit, since, until }: RepositoryTimelineQuery): Promise<RepositoryTimeline> {
    const head = await this.db.selectFrom('log_head').select('position').executeTakeFirstOrThrow();
    // The window and the cut first, on tag_history alone; only the rows kept look up their two events.
    const cut = this.db
      .selectFrom('tag_history')
      .selectAll()
      .where('repository', '=', repository)
      .$if(since !== undefined, (q) => q.where((eb) => eb.or([eb('to_time', 'is', null), eb('to_time', '>', since!)])))
      .$if(until !== undefined, (q) => q.where('from_time', '<', until!))
      .orderBy(sql`to_time desc nulls first`)
      .orderBy('tag')
      .orderBy('version', 'desc')
      .limit(limit + 1)
      .as('h');
    const rows = await this.db
      .selectFrom(cut)
      // One (stream_id, version) index lookup per row kept, never a scan of the log: lateral with a limit so the
      // planner cannot turn it into a hash join, and the stream id in the index's collation (tag_history's is "C").
      .leftJoinLateral(
        (eb) => eb.selectFrom('events').select('type').where('stream_id', '=', streamOf).whereRef('events.version', '=', 'h.version').limit(1).as('o'),
        (j) => j.onTrue(),
      )
      .leftJoinLateral(
        (eb) => eb.selectFrom('events').select('type').where('stream_id', '=', streamOf).whereRef('events.version', '=', 'h.to_version').limit(1).as('c'),
        (j) => j.onTrue(),
      )
      .select([
        'h.tag',
        'h.digest',
        'h.media_type',
        'h.size',
        'h.version',
        'h.from_position',
        'h.from_time',
        'h.from_actor',
        'o.type as from_type',
        'h.to_version',
        'h.to_position',
        'h.to_time',
        'h.to_actor',
        'c.type as to_type',
      ])
      .orderBy(sql`h.to_time desc nulls first`)
      .orderBy('h.tag')
      .orderBy('h.version', 'desc')
      .execute();
    const more = rows.length > limit;
    const kept = more ? rows.slice(0, limit) : rows;
    return {
      position: Number(head.position),
      completeFrom: more ? kept[kept.length - 1]!.to_time : null,
      intervals: kept.map((r) => ({
        tag: r.tag,
        digest: r.digest,
        mediaType: r.media_type,
        size: Number(r.size),
        from: end(r.version, r.from_position, r.from_time, r.from_actor, r.from_type ?? 'unknown'),
        to: r.to_version === null ? null : end(r.to_version, r.to_position!, r.to_time!, r.to_actor!, r.to_type ?? 'unknown'),
      })),
    };
  }
}

const streamOf = sql<string>`(h.repository || ':' || h.tag) collate "default"`;

function end(version: number, position: number, time: Date, actor: string, type: string): TimelineEnd {
  return { version, position: Number(position), time, actor, type };
}
