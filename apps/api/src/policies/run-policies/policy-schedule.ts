import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { TagHistoryError } from '@tag-history/domain';
import { POLICY_SETTINGS, type PolicySettings } from '@tag-history/config';
import { PolicyRunner } from './policy-runner';

/**
 * Runs the expire and retain policies every POLICY_RUN_INTERVAL on every
 * instance; the lease lets one act at a time. Nothing is kept in memory
 * between runs: each run decides on the log as it is, so a restart loses nothing.
 */
@Injectable()
export class PolicySchedule implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('policies');
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    @Inject(POLICY_SETTINGS) private readonly settings: PolicySettings,
    private readonly runner: PolicyRunner,
  ) {}

  onApplicationBootstrap(): void {
    if (this.settings.runIntervalMs > 0) this.tick();
  }

  async onApplicationShutdown(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }

  private tick(): void {
    this.timer = setTimeout(() => {
      this.running = this.runner
        .run()
        .catch((error: unknown) => {
          // Another instance running is the normal case with several of them.
          if (!(error instanceof TagHistoryError && error.code === 'CONFLICT')) this.logger.warn(`policy run failed: ${(error as Error).message}`);
        })
        .finally(() => {
          this.running = undefined;
          if (this.timer) this.tick();
        });
    }, this.settings.runIntervalMs);
  }
}
