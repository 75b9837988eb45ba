import { type DynamicModule, Module } from '@nestjs/common';
import { CheckHint } from './check-hint/check-hint';
import { CheckWorker } from './check-hint/check-worker';
import { NotificationInbox } from './receive-notification/notification-inbox';
import { ReceiveNotificationController } from './receive-notification/receive-notification.controller';
import { ReconcileLease } from './reconcile/reconcile-lease';
import { ReconcileController } from './reconcile/reconcile.controller';
import { ReconcileSchedule } from './reconcile/reconcile-schedule';
import { Reconciler } from './reconcile/reconciler';
import { RecordTag } from './record-tag';
import { RegistryChecks } from './registry-checks';
import { RegistryClient } from './registry-client';
import { RegistryMetrics } from './registry-metrics';
import { REGISTRY_CONFIG, type RegistryConfig } from '@tag-history/config';

/** Watching an upstream registry: notifications as hints, the registry as the truth, reconciliation. */
@Module({})
export class RegistryModule {
  static forRoot(config: RegistryConfig): DynamicModule {
    return {
      module: RegistryModule,
      controllers: [ReceiveNotificationController, ReconcileController],
      providers: [
        { provide: REGISTRY_CONFIG, useValue: config },
        { provide: RegistryClient, useValue: new RegistryClient(config) },
        RegistryChecks,
        RecordTag,
        CheckHint,
        CheckWorker,
        NotificationInbox,
        ReconcileLease,
        Reconciler,
        ReconcileSchedule,
        RegistryMetrics,
      ],
    };
  }
}
