import { Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { assertRepositoryName, TagHistoryError } from '@tag-history/domain';
import { ListTagsQuery, RepositoryTimelineQuery, type TimelineEnd } from '../../queries';
import { encodeCursor } from '../../feed/cursor';
import { dateTime, pageSize } from '../../http/input/query-params';
import { parseQuery, QueryParams, type RawQuery } from '../../http/input/query-schema';
import { Type } from '@sinclair/typebox';
import { Api } from '../../http/openapi/api';
import { json, Name } from '../../http/openapi/schemas';

export const MAX_TIMELINE = 5000;
const QUERY = { since: dateTime(), until: dateTime(), n: pageSize(MAX_TIMELINE) };

/** The intervals a timeline chart draws: every tag of a repository, one window of time. */
@Controller()
export class TimelineController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get('v2/:name/_timeline')
  @Api({
    summary: 'The intervals of every tag of a repository in a window of time',
    responses: { 200: json(Type.Object({ name: Name, intervals: Type.Array(Type.Object({})) })) },
  })
  @QueryParams(QUERY)
  async timeline(@Param('name') name: string, @Query() query: RawQuery) {
    assertRepositoryName(name);
    const { since, until, n } = parseQuery(query, QUERY);
    if (since && until && since >= until)
      throw new TagHistoryError('PARAMETER_INVALID', 'since must be before until', { since: query.since, until: query.until });
    const limit = Math.max(1, n ?? MAX_TIMELINE);
    const timeline = await this.queryBus.execute(new RepositoryTimelineQuery(name, limit, since, until));
    if (timeline.intervals.length === 0) await this.assertKnown(name);
    return {
      name,
      since: since?.toISOString() ?? null,
      until: until?.toISOString() ?? null,
      cursor: encodeCursor(timeline.position),
      completeFrom: timeline.completeFrom?.toISOString() ?? null,
      intervals: timeline.intervals.map((i) => ({ ...i, from: endView(i.from), to: i.to && endView(i.to) })),
    };
  }

  /** An empty window of a known repository is an empty answer; an unknown repository is a 404. */
  private async assertKnown(name: string): Promise<void> {
    await this.queryBus.execute(new ListTagsQuery(name, 1));
  }
}

function endView(e: TimelineEnd) {
  return { ...e, time: e.time.toISOString() };
}
