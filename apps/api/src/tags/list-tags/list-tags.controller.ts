import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { assertRepositoryName } from '@tag-history/domain';
import { ListTagsQuery } from '../../queries';
import type { FastifyReply } from 'fastify';
import { pageSize, tagName } from '../../http/input/query-params';
import { parseQuery, QueryParams, type RawQuery } from '../../http/input/query-schema';
import { nextLink } from '../../http/paging';
import { Type } from '@sinclair/typebox';
import { Api } from '../../http/openapi/api';
import { Name, page, Tag } from '../../http/openapi/schemas';

const MAX_PAGE = 10_000;
const QUERY = { n: pageSize(MAX_PAGE), last: tagName() };

/** The OCI distribution-spec tag list. */
@Controller()
export class ListTagsController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get('v2/:name/tags/list')
  @Api({ summary: 'The OCI tag list', responses: { 200: page(Type.Object({ name: Name, tags: Type.Array(Tag) })) } })
  @QueryParams(QUERY)
  async list(@Param('name') name: string, @Query() query: RawQuery, @Res({ passthrough: true }) reply: FastifyReply) {
    assertRepositoryName(name);
    const { n, last } = parseQuery(query, QUERY);
    const size = n ?? MAX_PAGE;
    const page = await this.queryBus.execute(new ListTagsQuery(name, size, last));
    const lastTag = page.tags[page.tags.length - 1];
    if (page.more && lastTag !== undefined) {
      void reply.header('link', nextLink(`/v2/${name}/tags/list`, { n: String(size), last: lastTag }));
    }
    return { name: page.name, tags: page.tags };
  }
}
