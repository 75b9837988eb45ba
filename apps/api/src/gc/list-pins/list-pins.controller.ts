import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { assertDigest, assertRepositoryName } from '@tag-history/domain';
import { ListPinsQuery } from '@tag-history/queries';
import type { FastifyReply } from 'fastify';
import { nextLink, pageSize } from '../../http/paging';

const MAX_PAGE = 10_000;

@Controller()
export class ListPinsController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get('v2/:name/_pins')
  async list(
    @Param('name') name: string,
    @Query('n') n: string | undefined,
    @Query('last') last: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    assertRepositoryName(name);
    if (last !== undefined) assertDigest(last);
    const size = pageSize(n, MAX_PAGE);
    const page = await this.queryBus.execute(new ListPinsQuery(name, size, last));
    const lastPin = page.pins[page.pins.length - 1];
    if (page.more && lastPin !== undefined) void reply.header('link', nextLink(`/v2/${name}/_pins`, { n: String(size), last: lastPin.digest }));
    return { name: page.name, pins: page.pins };
  }
}
