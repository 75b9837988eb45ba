import { Controller, Get, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { ListRepositoriesQuery } from '../../queries';
import type { FastifyReply } from 'fastify';
import { pageSize, repositoryName } from '../../http/input/query-params';
import { parseQuery, type QueryParam, type RawQuery } from '../../http/input/query-schema';
import { nextLink } from '../../http/paging';
import { Type } from '@sinclair/typebox';
import { Api } from '../../http/openapi/api';
import { Count, Name, page, Time } from '../../http/openapi/schemas';

const MAX_PAGE = 1000;
const MAX_SEARCH = 255;
/** A search is cut to MAX_SEARCH characters, not refused. */
const searchText: QueryParam<string> = { type: 'string', parse: (raw) => raw.slice(0, MAX_SEARCH) };
const QUERY = { q: searchText, n: pageSize(MAX_PAGE), last: repositoryName() };

/** Every repository that ever had a tag, with its tag count and last change: the audit page's first screen. */
@Controller()
export class RepositoriesController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get('v2/_repositories')
  @Api({
    summary: 'Repositories with their tag counts, by name',
    query: QUERY,
    responses: { 200: page(Type.Object({ repositories: Type.Array(Type.Object({ name: Name, tags: Count, lastChange: Type.Union([Time, Type.Null()]) })) })) },
  })
  async list(@Query() query: RawQuery, @Res({ passthrough: true }) reply: FastifyReply) {
    const { q: search, n, last } = parseQuery(query, QUERY);
    const size = n ?? MAX_PAGE;
    const rows = await this.queryBus.execute(new ListRepositoriesQuery(size + 1, search, last));
    const page = rows.slice(0, size);
    if (rows.length > size && page.length > 0) {
      void reply.header('link', nextLink('/v2/_repositories', { ...(search ? { q: search } : {}), n: String(size), last: page[page.length - 1]!.name }));
    }
    return { repositories: page.map((r) => ({ name: r.name, tags: r.tags, lastChange: r.lastChange?.toISOString() ?? null })) };
  }
}
