import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { assertRepositoryName, assertTagName, TAG_MEDIA_TYPE, TagHistoryError } from '@tag-history/domain';
import { GetTagAtQuery, GetTagQuery } from '@tag-history/queries';
import type { FastifyReply } from 'fastify';
import { count, dateTime } from '../../http/input/query-params';
import { parseQuery, QueryParams, type RawQuery } from '../../http/input/query-schema';
import { etag } from '../../http/preconditions';

const QUERY = { at: dateTime(), position: count() };

@Controller()
export class GetTagController {
  constructor(private readonly queryBus: QueryBus) {}

  /** The tag now, or with `?at=<RFC 3339>` / `?position=<global position>` as it was then. */
  @Get('v2/:name/_tags/:tag')
  @QueryParams(QUERY)
  async get(
    @Param('name') name: string,
    @Param('tag') tag: string,
    @Query() query: RawQuery,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    assertRepositoryName(name);
    assertTagName(tag);
    const { at: time, position: pos } = parseQuery(query, QUERY);
    if (time !== undefined && pos !== undefined) {
      throw new TagHistoryError('PARAMETER_INVALID', 'give at or position, not both', { at: query.at as string, position: query.position as string });
    }
    void reply.header('content-type', TAG_MEDIA_TYPE);
    if (time !== undefined) return this.queryBus.execute(new GetTagAtQuery(name, tag, { time }));
    if (pos !== undefined) return this.queryBus.execute(new GetTagAtQuery(name, tag, { position: pos }));
    const view = await this.queryBus.execute(new GetTagQuery(name, tag));
    void reply.header('etag', etag(view.version));
    return view;
  }
}
