import { Controller, Get, Headers, Inject, Param, Query, Res } from '@nestjs/common';
import { Type } from '@sinclair/typebox';
import { QueryBus } from '@nestjs/cqrs';
import { assertRepositoryName, assertTagName, TagHistoryError } from '@tag-history/domain';
import { GetTagAtQuery, GetTagQuery } from '../../queries';
import type { FastifyReply } from 'fastify';
import { boolean, count, dateTime } from '../../http/input/query-params';
import { parseQuery, type RawQuery } from '../../http/input/query-schema';
import { negotiate } from '../../http/negotiate';
import { Api } from '../../http/openapi/api';
import { ARCHIVED, GeneralJws, Proofs, TagView, Text } from '../../http/openapi/schemas';
import { etag, noneMatchHits, wantsFresh } from '../../http/preconditions';
import { EventProofService, withProofs } from '../../transparency/event-proofs';
import { representTag, TAG_REPRESENTATIONS } from '../tag-representation/represent-tag';
import { SignedTags } from '../tag-representation/signed-tags';

const QUERY = { at: dateTime(), position: count(), proof: boolean() };

@Controller()
export class GetTagController {
  constructor(
    private readonly queryBus: QueryBus,
    private readonly signed: SignedTags,
    @Inject(EventProofService) private readonly proofs: EventProofService,
  ) {}

  /**
   * The tag now, or with `?at=<RFC 3339>` / `?position=<global position>` as it was then, in the media type `Accept` asks for; `?proof=true` adds the inclusion proof of its event.
   * The current tag comes from this instance's memory unless `Cache-Control: no-cache`; every answer has the version's ETag, and `If-None-Match` naming it answers 304.
   */
  @Get('v2/:name/_tags/:tag')
  @Api({
    summary: 'A tag now or at a point in time, as JSON or signed',
    query: QUERY,
    headers: ['accept', 'cache-control', 'if-none-match', 'tag-history-min-position'],
    responses: {
      200: {
        content: {
          'application/vnd.docker.distribution.tag.v1+json': TagView,
          'application/json': Type.Intersect([TagView, Type.Object({ proof: Type.Optional(Proofs) })]),
          'application/vnd.docker.distribution.tag.v1+jws': GeneralJws,
          'application/vnd.docker.distribution.tag.v1+prettyjws': Text,
        },
        headers: ['etag', 'vary'],
      },
      304: { description: 'If-None-Match names the current ETag.', headers: ['etag'], content: {} },
      406: { description: 'No media type in Accept is offered.' },
      410: { ...ARCHIVED, description: 'A signed answer (+jws, +prettyjws) of a version whose event was archived.' },
    },
  })
  async get(
    @Param('name') name: string,
    @Param('tag') tag: string,
    @Query() query: RawQuery,
    @Headers('accept') accept: string | undefined,
    @Headers('cache-control') cacheControl: string | undefined,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    assertRepositoryName(name);
    assertTagName(tag);
    const { at: time, position: pos, proof: withProof } = parseQuery(query, QUERY);
    if (time !== undefined && pos !== undefined) {
      throw new TagHistoryError('PARAMETER_INVALID', 'give at or position, not both', { at: query.at, position: query.position });
    }
    const mediaType = negotiate(accept, TAG_REPRESENTATIONS);
    const view =
      time !== undefined || pos !== undefined
        ? await this.queryBus.execute(new GetTagAtQuery(name, tag, time !== undefined ? { time } : { position: pos! }))
        : await this.queryBus.execute(new GetTagQuery(name, tag, wantsFresh(cacheControl)));
    const tagEtag = etag(view.version);
    void reply.header('etag', tagEtag);
    if (noneMatchHits(ifNoneMatch, tagEtag)) {
      void reply.status(304);
      return '';
    }
    const body = await representTag(reply, mediaType, view, this.signed);
    return withProof ? withProofs(body, await this.proofs.prove([view.position])) : body;
  }
}
