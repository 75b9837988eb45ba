import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { assertRepositoryName, assertTagName } from '@tag-history/domain';
import { ListTagsQuery } from '@tag-history/queries';
import type { FastifyReply } from 'fastify';
import { nextLink, pageSize } from '../../http/paging';

const MAX_PAGE = 10_000;

/** The OCI distribution-spec tag list. */
@Controller()
export class ListTagsController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get('v2/:name/tags/list')
  async list(
    @Param('name') name: string,
    @Query('n') n: string | undefined,
    @Query('last') last: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    assertRepositoryName(name);
    if (last !== undefined) assertTagName(last);
    const size = pageSize(n, MAX_PAGE);
    const page = await this.queryBus.execute(new ListTagsQuery(name, size, last));
    const lastTag = page.tags[page.tags.length - 1];
    if (page.more && lastTag !== undefined) {
      void reply.header('link', nextLink(`/v2/${name}/tags/list`, { n: String(size), last: lastTag }));
    }
    return { name: page.name, tags: page.tags };
  }
}
