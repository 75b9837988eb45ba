import { Controller, Get, Headers, Inject, Param, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { assertRepositoryName, assertTagName, TagHistoryError } from '@tag-history/domain';
import { GetTagAtQuery, GetTagQuery } from '@tag-history/queries';
import type { FastifyReply } from 'fastify';
import { negotiate } from '../../http/negotiate';
import { parseCount, parseTime } from '../../http/point-in-time';
import { etag, noneMatchHits, wantsFresh } from '../../http/preconditions';
import { EventProofService, parseProofFlag, withProofs } from '../../transparency/event-proofs';
import { representTag, TAG_REPRESENTATIONS } from '../tag-representation/represent-tag';
import { SignedTags } from '../tag-representation/signed-tags';

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
  async get(
    @Param('name') name: string,
    @Param('tag') tag: string,
    @Query('at') at: string | undefined,
    @Query('position') position: string | undefined,
    @Headers('accept') accept: string | undefined,
    @Headers('cache-control') cacheControl: string | undefined,
    @Headers('if-none-match') ifNoneMatch: string | undefined,
    @Query('proof') proof: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    assertRepositoryName(name);
    assertTagName(tag);
    const time = parseTime('at', at);
    const pos = parseCount('position', position);
    if (time !== undefined && pos !== undefined) {
      throw new TagHistoryError('PARAMETER_INVALID', 'give at or position, not both', { at, position });
    }
    const withProof = parseProofFlag(proof);
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
