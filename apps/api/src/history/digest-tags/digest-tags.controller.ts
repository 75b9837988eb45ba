import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { assertDigest, assertRepositoryName } from '@tag-history/domain';
import { DigestHistoryQuery, FindTagsByDigestQuery } from '../../queries';
import type { FastifyReply } from 'fastify';
import { boolean, pageSize, tagName } from '../../http/input/query-params';
import { parseQuery, QueryParams, type RawQuery } from '../../http/input/query-schema';
import { nextLink } from '../../http/paging';
import { MAX_HISTORY_PAGE } from '../history-page';
import { Type } from '@sinclair/typebox';
import { Api } from '../../http/openapi/api';
import { Digest, Name, page, Tag } from '../../http/openapi/schemas';

const QUERY = { history: boolean(), n: pageSize(MAX_HISTORY_PAGE), last: tagName() };

/** The digest index: tags pointing at a digest now, or (history=true) ever, with their intervals. */
@Controller()
export class DigestTagsController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get('v2/:name/_digests/:digest/tags')
  @Api({
    summary: 'Tags pointing at a digest now, or ever (history=true)',
    responses: { 200: page(Type.Object({ name: Name, digest: Digest, tags: Type.Array(Type.Object({ tag: Tag })) })) },
  })
  @QueryParams(QUERY)
  async tags(@Param('name') name: string, @Param('digest') digest: string, @Query() query: RawQuery, @Res({ passthrough: true }) reply: FastifyReply) {
    assertRepositoryName(name);
    assertDigest(digest);
    const { history, n, last } = parseQuery(query, QUERY);
    if (!history) {
      const tags = await this.queryBus.execute(new FindTagsByDigestQuery(name, digest));
      return { name, digest, tags: tags.map((t) => ({ tag: t.tag, version: t.version, updatedAt: t.updatedAt })) };
    }
    const size = n ?? MAX_HISTORY_PAGE;
    const page = await this.queryBus.execute(new DigestHistoryQuery(name, digest, size, last));
    const lastTag = page.tags[page.tags.length - 1]?.tag;
    if (page.more && lastTag !== undefined) {
      void reply.header('link', nextLink(`/v2/${name}/_digests/${digest}/tags`, { history: 'true', n: String(size), last: lastTag }));
    }
    return { name, digest, tags: page.tags };
  }
}
