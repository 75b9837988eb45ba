import type { Logger } from '@nestjs/common';
import { TagHistoryError } from '@tag-history/domain';

/**
 * A job run on every instance after `firstDelayMs`, then `intervalMs` after
 * each run ends (never two at once). A CONFLICT is another instance holding
 * the job's lease, the normal case with several of them; anything else is
 * logged, and the next run comes all the same.
 */
export class RepeatingJob {
  private timer?: NodeJS.Timeout;
  private running?: Promise<unknown>;

  constructor(
    private readonly what: string,
    private readonly logger: Logger,
    private readonly run: () => Promise<unknown>,
  ) {}

  start(firstDelayMs: number, intervalMs: number): void {
    this.timer = setTimeout(() => {
      this.running = this.run()
        .catch((error: unknown) => {
          if (!(error instanceof TagHistoryError && error.code === 'CONFLICT')) this.logger.warn(`${this.what} failed: ${(error as Error).message}`);
        })
        .finally(() => {
          this.running = undefined;
          if (this.timer) this.start(intervalMs, intervalMs);
        });
    }, firstDelayMs);
  }

  /** No run starts after this; resolves once the one under way, if any, has ended. */
  async stop(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
