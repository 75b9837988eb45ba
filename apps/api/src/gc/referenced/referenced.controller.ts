import { Controller, Get, Inject, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { effectiveRetention } from '@tag-history/domain';
import { ReferencedSetQuery } from '../../queries';
import type { FastifyReply } from 'fastify';
import { CLOCK, type Clock } from '../../infrastructure/clock';
import { GC_SETTINGS, type GcSettings } from '@tag-history/config';
import { boolean, duration, repositoryName } from '../../http/input/query-params';
import { parseQuery, QueryParams, type RawQuery } from '../../http/input/query-schema';
import { NDJSON } from '../read-manifest-lines';
import { Api } from '../../http/openapi/api';
import { ERROR, Text } from '../../http/openapi/schemas';

const QUERY = { retention: duration(), repository: repositoryName(), reasons: boolean() };

@Controller()
export class ReferencedController {
  constructor(
    private readonly queryBus: QueryBus,
    @Inject(GC_SETTINGS) private readonly settings: GcSettings,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get('v2/_gc/referenced')
  @Api({ summary: 'The referenced set, streamed as NDJSON', responses: { 200: { content: { [NDJSON]: Text }, headers: ['cache-control'] }, 429: ERROR } })
  @QueryParams(QUERY)
  async referenced(@Query() query: RawQuery, @Res() reply: FastifyReply): Promise<void> {
    const { retention, repository, reasons } = parseQuery(query, QUERY);
    const policy = effectiveRetention(this.settings.retention, retention);
    const stream = await this.queryBus.execute(new ReferencedSetQuery(policy, this.clock(), repository, reasons ?? false, this.settings.streamIdleMs));
    void reply.header('content-type', NDJSON).header('cache-control', 'no-store').send(stream);
  }
}
