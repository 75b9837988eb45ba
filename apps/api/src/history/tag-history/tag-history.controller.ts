import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { assertRepositoryName, assertTagName } from '@tag-history/domain';
import { TagEventsQuery } from '@tag-history/queries';
import type { FastifyReply } from 'fastify';
import { count, pageSize } from '../../http/input/query-params';
import { parseQuery, QueryParams, type RawQuery } from '../../http/input/query-schema';
import { nextLink } from '../../http/paging';

export const MAX_HISTORY_PAGE = 1_000;
const QUERY = { n: pageSize(MAX_HISTORY_PAGE), last: count() };

/** A tag's events newest first, each with its JWS; still answers after the tag is deleted. */
@Controller()
export class TagHistoryController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get('v2/:name/_tags/:tag/history')
  @QueryParams(QUERY)
  async history(
    @Param('name') name: string,
    @Param('tag') tag: string,
    @Query() query: RawQuery,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    assertRepositoryName(name);
    assertTagName(tag);
    const { n, last } = parseQuery(query, QUERY);
    const size = n ?? MAX_HISTORY_PAGE;
    const page = await this.queryBus.execute(new TagEventsQuery(name, tag, size, { belowVersion: last }));
    const oldest = page.events[page.events.length - 1];
    if (page.more && oldest) {
      void reply.header('link', nextLink(`/v2/${name}/_tags/${tag}/history`, { n: String(size), last: String(oldest.version) }));
    }
    return { name, tag, events: page.events };
  }
}
