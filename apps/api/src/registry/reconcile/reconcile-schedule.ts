import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { TagHistoryError } from '@tag-history/domain';
import { REGISTRY_CONFIG, type RegistryConfig } from '@tag-history/config';
import { Reconciler } from './reconciler';

/**
 * A reconcile at start (what happened while this service was down) and every
 * REGISTRY_RECONCILE_INTERVAL after; PT0S turns both off.
 */
@Injectable()
export class ReconcileSchedule implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('reconcile');
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    @Inject(REGISTRY_CONFIG) private readonly config: RegistryConfig,
    private readonly reconciler: Reconciler,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.reconcileIntervalMs === 0) return;
    this.tick(0);
  }

  async onApplicationShutdown(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private tick(delayMs: number): void {
    this.timer = setTimeout(() => {
      this.running = this.reconciler
        .run()
        .catch((error: unknown) => {
          // Another instance reconciling is the normal case with several of them.
          if (!(error instanceof TagHistoryError && error.code === 'CONFLICT')) this.logger.warn(`reconcile failed: ${(error as Error).message}`);
        })
        .finally(() => {
          this.running = undefined;
          if (this.timer) this.tick(this.config.reconcileIntervalMs);
        });
    }, delayMs);
  }
}
