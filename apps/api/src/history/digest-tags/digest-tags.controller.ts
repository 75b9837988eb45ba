import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { assertDigest, assertRepositoryName, assertTagName, TagHistoryError } from '@tag-history/domain';
import { DigestHistoryQuery, FindTagsByDigestQuery } from '@tag-history/queries';
import type { FastifyReply } from 'fastify';
import { nextLink, pageSize } from '../../http/paging';
import { MAX_HISTORY_PAGE } from '../tag-history/tag-history.controller';

/** The digest index: tags pointing at a digest now, or (history=true) ever, with their intervals. */
@Controller()
export class DigestTagsController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get('v2/:name/_digests/:digest/tags')
  async tags(
    @Param('name') name: string,
    @Param('digest') digest: string,
    @Query('history') history: string | undefined,
    @Query('n') n: string | undefined,
    @Query('last') last: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    assertRepositoryName(name);
    assertDigest(digest);
    if (history !== undefined && history !== 'true' && history !== 'false') {
      throw new TagHistoryError('PARAMETER_INVALID', 'history must be true or false', { history });
    }
    if (history !== 'true') {
      const tags = await this.queryBus.execute(new FindTagsByDigestQuery(name, digest));
      return { name, digest, tags: tags.map((t) => ({ tag: t.tag, version: t.version, updatedAt: t.updatedAt })) };
    }
    if (last !== undefined) assertTagName(last);
    const size = pageSize(n, MAX_HISTORY_PAGE);
    const page = await this.queryBus.execute(new DigestHistoryQuery(name, digest, size, last));
    const lastTag = page.tags[page.tags.length - 1]?.tag;
    if (page.more && lastTag !== undefined) {
      void reply.header('link', nextLink(`/v2/${name}/_digests/${digest}/tags`, { history: 'true', n: String(size), last: lastTag }));
    }
    return { name, digest, tags: page.tags };
  }
}
