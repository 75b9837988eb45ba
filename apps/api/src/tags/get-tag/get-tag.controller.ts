import { Controller, Get, Headers, Inject, Param, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { assertRepositoryName, assertTagName, TagHistoryError } from '@tag-history/domain';
import { GetTagAtQuery, GetTagQuery } from '@tag-history/queries';
import type { FastifyReply } from 'fastify';
import { negotiate } from '../../http/negotiate';
import { parseCount, parseTime } from '../../http/point-in-time';
import { etag } from '../../http/preconditions';
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

  /** The tag now, or with `?at=<RFC 3339>` / `?position=<global position>` as it was then, in the media type `Accept` asks for; `?proof=true` adds the inclusion proof of its event. */
  @Get('v2/:name/_tags/:tag')
  async get(
    @Param('name') name: string,
    @Param('tag') tag: string,
    @Query('at') at: string | undefined,
    @Query('position') position: string | undefined,
    @Headers('accept') accept: string | undefined,
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
    let view;
    if (time !== undefined || pos !== undefined) {
      view = await this.queryBus.execute(new GetTagAtQuery(name, tag, time !== undefined ? { time } : { position: pos! }));
    } else {
      view = await this.queryBus.execute(new GetTagQuery(name, tag));
      void reply.header('etag', etag(view.version));
    }
    const body = await representTag(reply, mediaType, view, this.signed);
    return withProof ? withProofs(body, await this.proofs.prove([view.position])) : body;
  }
}
