import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { POLICY_SETTINGS, type PolicySettings } from '@tag-history/config';
import { RepeatingJob } from '../../infrastructure/repeating-job';
import { PolicyRunner } from './policy-runner';

/**
 * Runs the expire and retain policies every POLICY_RUN_INTERVAL on every
 * instance; the lease lets one act at a time. Nothing is kept in memory
 * between runs: each run decides on the log as it is, so a restart loses nothing.
 */
@Injectable()
export class PolicySchedule implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly job: RepeatingJob;

  constructor(
    @Inject(POLICY_SETTINGS) private readonly settings: PolicySettings,
    runner: PolicyRunner,
  ) {
    this.job = new RepeatingJob('policy run', new Logger('policies'), () => runner.run());
  }

  onApplicationBootstrap(): void {
    const interval = this.settings.runIntervalMs;
    if (interval > 0) this.job.start(interval, interval);
  }

  onApplicationShutdown(): Promise<void> {
    return this.job.stop();
  }
}
