import { Inject, Injectable } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { CLOCK, type Clock } from '../infrastructure/clock';
import { ServiceMetrics } from '../observability/service-metrics';
import { RegistryChecks } from './registry-checks';

/**
 * The watcher's backlog, read from its durable queue at scrape time (every
 * instance's checks, not only this one's): how many checks wait, and how
 * long the oldest has waited since its notification arrived.
 */
@Injectable()
export class RegistryMetrics {
  constructor(@Inject(ServiceMetrics) metrics: ServiceMetrics, checks: RegistryChecks, @Inject(CLOCK) clock: Clock) {
    let backlog: Promise<{ depth: number; oldest: Date | null }> | undefined;
    // One query per scrape for both gauges.
    const read = () => (backlog ??= checks.backlog().finally(() => setImmediate(() => (backlog = undefined))));
    new Gauge({
      name: 'tag_history_registry_queue_depth',
      help: 'Registry checks (from notifications and reconciles) not yet done',
      registers: [metrics.registry],
      async collect() {
        // A database that does not answer leaves the last value.
        const backlog = await read().catch(() => undefined);
        if (backlog) this.set(backlog.depth);
      },
    });
    new Gauge({
      name: 'tag_history_registry_lag_seconds',
      help: 'How long the oldest unfinished registry check has waited since its notification was received; 0 when none waits',
      registers: [metrics.registry],
      async collect() {
        const backlog = await read().catch(() => undefined);
        if (backlog) this.set(backlog.oldest ? Math.max(0, clock().getTime() - backlog.oldest.getTime()) / 1000 : 0);
      },
    });
  }
}
