import { Controller, Get, Headers, Inject, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { assertStaticBearer } from '../http/static-bearer';
import { METRICS_ACCESS, type MetricsAccess } from './metrics-access';
import { ServiceMetrics } from './service-metrics';

/** The Prometheus text format; who may read it: metrics-access.ts. */
@Controller()
export class MetricsController {
  constructor(
    @Inject(ServiceMetrics) private readonly metrics: ServiceMetrics,
    @Inject(METRICS_ACCESS) private readonly access: MetricsAccess,
  ) {}

  @Get('metrics')
  async read(@Headers('authorization') authorization: string | undefined, @Res({ passthrough: true }) reply: FastifyReply): Promise<string> {
    if (this.access.token !== undefined || this.access.authenticated) {
      assertStaticBearer(authorization, this.access.token, 'metrics need Authorization: Bearer <METRICS_TOKEN>');
    }
    void reply.header('content-type', this.metrics.registry.contentType).header('cache-control', 'no-store');
    return this.metrics.registry.metrics();
  }
}
