import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { REGISTRY_CONFIG, type RegistryConfig } from '@tag-history/config';
import { RepeatingJob } from '../../infrastructure/repeating-job';
import { Reconciler } from './reconciler';

/**
 * A reconcile at start (what happened while this service was down) and every
 * REGISTRY_RECONCILE_INTERVAL after; PT0S turns both off.
 */
@Injectable()
export class ReconcileSchedule implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly job: RepeatingJob;

  constructor(
    @Inject(REGISTRY_CONFIG) private readonly config: RegistryConfig,
    reconciler: Reconciler,
  ) {
    this.job = new RepeatingJob('reconcile', new Logger('reconcile'), () => reconciler.run());
  }

  onApplicationBootstrap(): void {
    if (this.config.reconcileIntervalMs > 0) this.job.start(0, this.config.reconcileIntervalMs);
  }

  onApplicationShutdown(): Promise<void> {
    return this.job.stop();
  }
}
