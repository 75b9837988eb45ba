import { Controller, Get, Inject, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { assertRepositoryName, effectiveRetention, TagHistoryError } from '@tag-history/domain';
import { ReferencedSetQuery } from '@tag-history/queries';
import type { FastifyReply } from 'fastify';
import { CLOCK, type Clock } from '../../infrastructure/clock';
import { GC_SETTINGS, type GcSettings } from '../gc-settings';
import { NDJSON } from '../read-manifest-lines';

@Controller()
export class ReferencedController {
  constructor(
    private readonly queryBus: QueryBus,
    @Inject(GC_SETTINGS) private readonly settings: GcSettings,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  @Get('v2/_gc/referenced')
  async referenced(
    @Query('retention') retention: string | undefined,
    @Query('repository') repository: string | undefined,
    @Query('reasons') reasons: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    if (repository !== undefined) assertRepositoryName(repository);
    if (reasons !== undefined && reasons !== 'true' && reasons !== 'false') {
      throw new TagHistoryError('PARAMETER_INVALID', 'reasons must be true or false', { reasons });
    }
    const policy = effectiveRetention(this.settings.retention, retention);
    const stream = await this.queryBus.execute(new ReferencedSetQuery(policy, this.clock(), repository, reasons === 'true'));
    void reply.header('content-type', NDJSON).header('cache-control', 'no-store').send(stream);
  }
}
