import { Controller, Get, Param, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { assertRepositoryName, TagHistoryError } from '@tag-history/domain';
import { ListTagsQuery, RepositoryTimelineQuery, type TimelineEnd } from '@tag-history/queries';
import { encodeCursor } from '../../feed/cursor';
import { pageSize } from '../../http/paging';
import { parseTime } from '../../http/point-in-time';

export const MAX_TIMELINE = 5000;

/** The intervals a timeline chart draws: every tag of a repository, one window of time. */
@Controller()
export class TimelineController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get('v2/:name/_timeline')
  async timeline(
    @Param('name') name: string,
    @Query('since') sinceText: string | undefined,
    @Query('until') untilText: string | undefined,
    @Query('n') n: string | undefined,
  ) {
    assertRepositoryName(name);
    const since = parseTime('since', sinceText);
    const until = parseTime('until', untilText);
    if (since && until && since >= until) throw new TagHistoryError('PARAMETER_INVALID', 'since must be before until', { since: sinceText, until: untilText });
    const limit = Math.max(1, pageSize(n, MAX_TIMELINE));
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
