import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { assertRepositoryName, assertTagName } from '@tag-history/domain';
import { TagEventsQuery } from '@tag-history/queries';
import type { FastifyReply } from 'fastify';
import { nextLink, pageSize } from '../../http/paging';
import { parseCount } from '../../http/point-in-time';
import { EventProofService, parseProofFlag } from '../../transparency/event-proofs';

export const MAX_HISTORY_PAGE = 1_000;

/** A tag's events newest first, each with its JWS; still answers after the tag is deleted. */
@Controller()
export class TagHistoryController {
  constructor(
    private readonly queryBus: QueryBus,
    @Inject(EventProofService) private readonly proofs: EventProofService,
  ) {}

  @Get('v2/:name/_tags/:tag/history')
  async history(
    @Param('name') name: string,
    @Param('tag') tag: string,
    @Query('n') n: string | undefined,
    @Query('last') last: string | undefined,
    @Query('proof') proof: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    assertRepositoryName(name);
    assertTagName(tag);
    const withProof = parseProofFlag(proof);
    const size = pageSize(n, MAX_HISTORY_PAGE);
    const page = await this.queryBus.execute(new TagEventsQuery(name, tag, size, { belowVersion: parseCount('last', last) }));
    const oldest = page.events[page.events.length - 1];
    if (page.more && oldest) {
      void reply.header('link', nextLink(`/v2/${name}/_tags/${tag}/history`, { n: String(size), last: String(oldest.version) }));
    }
    const answer = { name, tag, events: page.events };
    return withProof ? { ...answer, proof: await this.proofs.prove(page.events.map((e) => e.position)) } : answer;
  }
}
