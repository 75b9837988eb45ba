import { Body, Controller, Headers, Post, Query, Req, Res } from '@nestjs/common';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { parseDuration, TagHistoryError } from '@tag-history/domain';
import { SweepLeasesQuery } from '@tag-history/queries';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { writerOf } from '../../http/actor';
import { readManifestBody } from '../read-manifest-lines';
import { StartSweepCommand } from './start-sweep.command';

@Controller()
export class StartSweepController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly queryBus: QueryBus,
  ) {}

  @Post('v2/_gc/sweeps')
  async start(
    @Query('cursor') cursor: string | undefined,
    @Query('retention') retention: string | undefined,
    @Headers('content-type') contentType: string | undefined,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    if (cursor === undefined || !/^\d{1,15}$/.test(cursor)) {
      throw new TagHistoryError('PARAMETER_INVALID', 'cursor must be the log position of the referenced set the candidates came from', { cursor: cursor ?? null });
    }
    if (retention !== undefined) parseDuration(retention, 'retention');
    const candidates = await readManifestBody(body, contentType, reply);
    const sweep = await this.commandBus.execute(new StartSweepCommand(Number(cursor), retention, candidates, writerOf(request)));
    const unreferenced = await this.queryBus.execute(new SweepLeasesQuery(sweep.id));
    void reply.status(201).header('location', `/v2/_gc/sweeps/${sweep.id}`);
    return { id: sweep.id, cursor: Number(cursor), leaseUntil: sweep.leaseUntil, candidates: candidates.count, unreferenced };
  }
}
