import { type DynamicModule, Global, Module } from '@nestjs/common';
import { METRICS_ACCESS, type MetricsAccess } from './metrics-access';
import { MetricsController } from './metrics.controller';
import { ServiceMetrics } from './service-metrics';

/** `GET /metrics`, and the metrics every other module may record into. */
@Global()
@Module({})
export class ObservabilityModule {
  static forRoot(metrics: ServiceMetrics, access: MetricsAccess): DynamicModule {
    return {
      module: ObservabilityModule,
      controllers: [MetricsController],
      providers: [
        { provide: ServiceMetrics, useValue: metrics },
        { provide: METRICS_ACCESS, useValue: access },
      ],
      exports: [ServiceMetrics],
    };
  }
}
