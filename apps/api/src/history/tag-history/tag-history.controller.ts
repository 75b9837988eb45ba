import { Controller, Get, Inject, Param, Query, Res } from '@nestjs/common';
import { Type } from '@sinclair/typebox';
import { QueryBus } from '@nestjs/cqrs';
import { assertRepositoryName, assertTagName } from '@tag-history/domain';
import { TagEventsJsonQuery, TagEventsQuery } from '../../queries';
import type { FastifyReply } from 'fastify';
import { parseQuery, type RawQuery } from '../../http/input/query-schema';
import { Api } from '../../http/openapi/api';
import { ARCHIVED, Name, page, Proofs, Tag, TagEvent } from '../../http/openapi/schemas';
import { EventProofService } from '../../transparency/event-proofs';
import { MAX_HISTORY_PAGE } from '../history-page';
import { HISTORY_CONTENT_TYPE, HISTORY_QUERY as QUERY, historyBody, historyLink } from './history-answer';

/** A tag's events newest first, each with its JWS; still answers after the tag is deleted. */
@Controller()
export class TagHistoryController {
  constructor(
    private readonly queryBus: QueryBus,
    @Inject(EventProofService) private readonly proofs: EventProofService,
  ) {}

  @Get('v2/:name/_tags/:tag/history')
  @Api({
    summary: "A tag's events, newest first, each with its JWS",
    query: QUERY,
    responses: { 200: page(Type.Object({ name: Name, tag: Tag, events: Type.Array(TagEvent), proof: Type.Optional(Proofs) })), 410: ARCHIVED },
  })
  async history(@Param('name') name: string, @Param('tag') tag: string, @Query() query: RawQuery, @Res({ passthrough: true }) reply: FastifyReply) {
    assertRepositoryName(name);
    assertTagName(tag);
    const { n, last, proof: withProof } = parseQuery(query, QUERY);
    const size = n ?? MAX_HISTORY_PAGE;
    if (withProof) {
      const page = await this.queryBus.execute(new TagEventsQuery(name, tag, size, { belowVersion: last }));
      this.linkNext(reply, name, tag, size, page.more, page.events[page.events.length - 1]?.version);
      return { name, tag, events: page.events, proof: await this.proofs.prove(page.events.map((e) => e.position)) };
    }
    // The events come as JSON written by Postgres: the answer is put together as text, with what Fastify would
    // have serialised and the same content type.
    const page = await this.queryBus.execute(new TagEventsJsonQuery(name, tag, size, last));
    this.linkNext(reply, name, tag, size, page.more, page.oldest);
    void reply.header('content-type', HISTORY_CONTENT_TYPE);
    return historyBody(name, tag, page.events);
  }

  private linkNext(reply: FastifyReply, name: string, tag: string, size: number, more: boolean, oldest: number | undefined): void {
    const link = historyLink(name, tag, size, more, oldest);
    if (link) void reply.header('link', link);
  }
}
