import { type DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { AuditModule } from './audit/audit.module';
import type { AccessOptions } from './auth/access-options';
import { AuthModule } from './auth/auth.module';
import { BrowseModule } from './browse/browse.module';
import { defaultUiDir } from './browse/ui/ui-dir';
import { TrustPolicy } from './auth/trust-policy';
import { FeedModule } from './feed/feed.module';
import { HistoryModule } from './history/history.module';
import { IdempotencyModule } from './idempotency/idempotency.module';
import { GcModule } from './gc/gc.module';
import { OciErrorFilter } from './http/oci-error.filter';
import { PoliciesModule } from './policies/policies.module';
import { RegistryModule } from './registry/registry.module';
import type { RegistryConfig } from '@tag-history/config';
import type { Clock } from './infrastructure/clock';
import { InfrastructureModule } from './infrastructure/infrastructure.module';
import type { Infrastructure } from './infrastructure/open-infrastructure';
import { ObservabilityModule } from './observability/observability.module';
import type { MetricsAccess } from './observability/metrics-access';
import type { ServiceMetrics } from './observability/service-metrics';
import { SystemModule } from './system/system.module';
import { TagsModule } from './tags/tags.module';
import { TransparencyModule } from './transparency/transparency.module';

/** One module per capability; each declares its own controllers and handlers. */
@Module({})
export class AppModule {
  static forRoot(
    infrastructure: Infrastructure,
    clock: Clock = () => new Date(),
    access: AccessOptions = { trust: TrustPolicy.empty },
    uiDir = defaultUiDir(),
    registry: RegistryConfig | undefined,
    observability: { metrics: ServiceMetrics; access: MetricsAccess },
  ): DynamicModule {
    return {
      module: AppModule,
      imports: [
        CqrsModule.forRoot(),
        InfrastructureModule.forRoot(infrastructure, clock),
        AuthModule.forRoot(access),
        ObservabilityModule.forRoot(observability.metrics, observability.access),
        SystemModule,
        IdempotencyModule,
        PoliciesModule,
        TagsModule,
        HistoryModule,
        FeedModule.forRoot(infrastructure),
        GcModule,
        AuditModule,
        BrowseModule.forRoot(uiDir),
        TransparencyModule.forRoot(infrastructure, clock),
        ...(registry ? [RegistryModule.forRoot(registry)] : []),
      ],
      providers: [{ provide: APP_FILTER, useClass: OciErrorFilter }],
    };
  }
}
