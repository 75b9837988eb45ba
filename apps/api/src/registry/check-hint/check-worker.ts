import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Reconciler } from '../reconcile/reconciler';
import { REGISTRY_CONFIG, type RegistryConfig } from '@tag-history/config';
import { type Check, RegistryChecks } from '../registry-checks';
import { CheckHint } from './check-hint';

const BATCH = 64;
const CONCURRENCY = 8;
// Other instances queue checks too; this is how late this one notices them.
const POLL_MS = 1_000;
const PRUNE_EVERY_MS = 3_600_000;
const MAX_RECONCILE_FAILURES = 20;

/**
 * Works through the queued checks: oldest first, the checks of one tag one
 * after the other (in order), different tags side by side.
 */
@Injectable()
export class CheckWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('registry-checks');
  private running?: Promise<void>;
  private again = false;
  private stopped = false;
  private timer?: NodeJS.Timeout;
  private prunedAt = 0;
  private readonly reconciles = new Set<Promise<void>>();

  constructor(
    @Inject(REGISTRY_CONFIG) private readonly config: RegistryConfig,
    private readonly checks: RegistryChecks,
    private readonly checkHint: CheckHint,
    private readonly reconciler: Reconciler,
  ) {}

  onApplicationBootstrap(): void {
    this.wake();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.running;
    await Promise.all(this.reconciles);
  }

  /** New checks were queued: work now rather than at the next poll. */
  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.running = this.drain()
      .catch((error: unknown) => this.logger.warn(`checks paused: ${(error as Error).message}`))
      .finally(() => {
        this.running = undefined;
        void this.schedule();
      });
  }

  private async drain(): Promise<void> {
    do {
      this.again = false;
      for (;;) {
        if (this.stopped) return;
        const batch = await this.checks.claim(BATCH);
        if (batch.length === 0) break;
        await this.process(batch);
      }
    } while (this.again);
    if (Date.now() - this.prunedAt > PRUNE_EVERY_MS) {
      this.prunedAt = Date.now();
      await this.checks.prune();
    }
  }

  private async schedule(): Promise<void> {
    if (this.stopped) return;
    const due = await this.checks.nextDue().catch(() => null);
    const wait = due ? Math.min(POLL_MS, Math.max(10, due.getTime() - Date.now())) : POLL_MS;
    if (!this.stopped) this.timer = setTimeout(() => this.wake(), wait);
  }

  private async process(batch: Check[]): Promise<void> {
    const byTag = new Map<string, Check[]>();
    for (const check of batch) {
      if (check.kind === 'reconcile') {
        this.reconcileInBackground(check);
        continue;
      }
      const key = check.kind === 'delete-digest' ? `${check.repository}@${check.digest}` : `${check.repository}:${check.tag}`;
      byTag.set(key, [...(byTag.get(key) ?? []), check]);
    }
    const groups = [...byTag.values()];
    const lanes = Array.from({ length: Math.min(CONCURRENCY, groups.length) }, async () => {
      for (let group = groups.shift(); group; group = groups.shift()) {
        for (const check of group) await this.one(check);
      }
    });
    await Promise.all(lanes);
  }

  private async one(check: Check): Promise<void> {
    try {
      const outcome = await this.checkHint.run(check);
      if (outcome === 'done') await this.checks.finish(check.id);
      else await this.checks.retry(check, this.config.checkDelayMs * (check.attempts + 1));
    } catch (error) {
      this.logger.warn(`check ${check.kind} ${check.repository}:${check.tag ?? check.digest} delayed: ${(error as Error).message}`);
      await this.checks.fail(check, this.config.checkDelayMs);
    }
  }

  /** A full reconcile takes a while; the tag checks behind it do not wait for it. */
  private reconcileInBackground(check: Check): void {
    const run = this.reconciler
      .run()
      .then(async (result) => {
        // A reconcile that could not read part of the registry is repeated (the registry may be down), though not forever.
        if (result.errors > 0 && check.failures < MAX_RECONCILE_FAILURES) throw new Error(`${result.errors} errors`);
        await this.checks.finish(check.id);
      })
      .catch(async (error: unknown) => {
        this.logger.warn(`reconcile after a registry restart delayed: ${(error as Error).message}`);
        await this.checks.fail(check, this.config.checkDelayMs).catch(() => undefined);
      })
      .finally(() => this.reconciles.delete(run));
    this.reconciles.add(run);
  }
}
