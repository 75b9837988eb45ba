import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { assertRepositoryName } from '@tag-history/domain';
import { ListPinsQuery } from '../../queries';
import type { FastifyReply } from 'fastify';
import { digest, pageSize } from '../../http/input/query-params';
import { parseQuery, QueryParams, type RawQuery } from '../../http/input/query-schema';
import { nextLink } from '../../http/paging';
import { Type } from '@sinclair/typebox';
import { Api } from '../../http/openapi/api';
import { Digest, Name, page } from '../../http/openapi/schemas';

const MAX_PAGE = 10_000;
const QUERY = { n: pageSize(MAX_PAGE), last: digest() };

@Controller()
export class ListPinsController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get('v2/:name/_pins')
  @Api({ summary: 'The pins of a repository', responses: { 200: page(Type.Object({ name: Name, pins: Type.Array(Type.Object({ digest: Digest })) })) } })
  @QueryParams(QUERY)
  async list(@Param('name') name: string, @Query() query: RawQuery, @Res({ passthrough: true }) reply: FastifyReply) {
    assertRepositoryName(name);
    const { n, last } = parseQuery(query, QUERY);
    const size = n ?? MAX_PAGE;
    const page = await this.queryBus.execute(new ListPinsQuery(name, size, last));
    const lastPin = page.pins[page.pins.length - 1];
    if (page.more && lastPin !== undefined) void reply.header('link', nextLink(`/v2/${name}/_pins`, { n: String(size), last: lastPin.digest }));
    return { name: page.name, pins: page.pins };
  }
}
