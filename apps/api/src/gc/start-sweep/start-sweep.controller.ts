import { Body, Controller, Headers, Post, Query, Req, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { TagHistoryError } from '@tag-history/domain';
import { SweepLeasesQuery } from '../../queries';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { writerOf } from '../../http/actor';
import { count, duration } from '../../http/input/query-params';
import { parseQuery, QueryParams, type RawQuery } from '../../http/input/query-schema';
import { readManifestBody } from '../read-manifest-lines';
import { StartSweepCommand } from './start-sweep.command';
import { Type } from '@sinclair/typebox';
import { Api } from '../../http/openapi/api';
import { Count, ERROR, json, Text } from '../../http/openapi/schemas';

const QUERY = { cursor: count(), retention: duration() };

@Controller()
export class StartSweepController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly queryBus: QueryBus,
  ) {}

  @Post('v2/_gc/sweeps')
  @Api({
    summary: 'Starts a sweep: leases the candidates nothing references',
    headers: ['content-type'],
    body: { 'application/x-ndjson': Text },
    responses: { 201: json(Type.Object({ id: Type.String(), cursor: Count, candidates: Count }), ['location']), 409: ERROR, 413: ERROR },
  })
  @QueryParams(QUERY)
  async start(
    @Query() query: RawQuery,
    @Headers('content-type') contentType: string | undefined,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { cursor, retention } = parseQuery(query, QUERY);
    if (cursor === undefined) {
      throw new TagHistoryError('PARAMETER_INVALID', 'cursor must be the log position of the referenced set the candidates came from', { cursor: null });
    }
    const candidates = await readManifestBody(body, contentType, reply);
    const sweep = await this.commandBus.execute(new StartSweepCommand(cursor, retention, candidates, writerOf(request)));
    const unreferenced = await this.queryBus.execute(new SweepLeasesQuery(sweep.id));
    void reply.status(201).header('location', `/v2/_gc/sweeps/${sweep.id}`);
    return { id: sweep.id, cursor, leaseUntil: sweep.leaseUntil, candidates: candidates.count, unreferenced };
  }
}
