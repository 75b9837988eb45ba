import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { assertRepositoryName, assertTagName, TAG_MEDIA_TYPE, TagHistoryError } from '@tag-history/domain';
import { GetTagAtQuery, GetTagQuery } from '@tag-history/queries';
import type { FastifyReply } from 'fastify';
import { parseCount, parseTime } from '../../http/point-in-time';
import { etag } from '../../http/preconditions';
import { EventProofService, parseProofFlag } from '../../transparency/event-proofs';

@Controller()
export class GetTagController {
  constructor(
    private readonly queryBus: QueryBus,
    @Inject(EventProofService) private readonly proofs: EventProofService,
  ) {}

  /** The tag now, or with `?at=<RFC 3339>` / `?position=<global position>` as it was then; `?proof=true` adds the inclusion proof of its event. */
  @Get('v2/:name/_tags/:tag')
  async get(
    @Param('name') name: string,
    @Param('tag') tag: string,
    @Query('at') at: string | undefined,
    @Query('position') position: string | undefined,
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
    void reply.header('content-type', TAG_MEDIA_TYPE);
    let view;
    if (time !== undefined) view = await this.queryBus.execute(new GetTagAtQuery(name, tag, { time }));
    else if (pos !== undefined) view = await this.queryBus.execute(new GetTagAtQuery(name, tag, { position: pos }));
    else {
      view = await this.queryBus.execute(new GetTagQuery(name, tag));
      void reply.header('etag', etag(view.version));
    }
    return withProof ? { ...view, proof: await this.proofs.prove([view.position]) } : view;
  }
}
