import type { AppendObserver } from '@tag-history/event-store';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

const SECONDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
const SIZES = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 2048];

/**
 * Everything `GET /metrics` shows. One registry per application (not
 * prom-client's global one): tests and tools run several in one process.
 */
export class ServiceMetrics implements AppendObserver {
  readonly registry = new Registry();

  readonly httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP requests by route pattern, method and status, from the request to the last byte of the answer',
    labelNames: ['route', 'method', 'status'] as const,
    buckets: SECONDS,
    registers: [this.registry],
  });

  private readonly appendedEvents = new Counter({
    name: 'tag_history_appended_events_total',
    help: 'Events appended to the log by this instance',
    registers: [this.registry],
  });
  private readonly rounds = new Counter({
    name: 'tag_history_append_rounds_total',
    help: 'Append rounds (one database call each) by outcome: appended, checked (nothing to append), stale (another instance moved a head: decided again), leased (a GC lease refused an event), failed',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });
  private readonly batchSize = new Histogram({
    name: 'tag_history_append_batch_operations',
    help: 'Operations decided in one append round',
    buckets: SIZES,
    registers: [this.registry],
  });
  private readonly commitDuration = new Histogram({
    name: 'tag_history_append_commit_duration_seconds',
    help: 'The database call of an append round: the append function, the projections and the commit',
    buckets: SECONDS,
    registers: [this.registry],
  });
  private readonly lockWait = new Histogram({
    name: 'tag_history_append_lock_wait_seconds',
    help: 'How long a write waits for its streams (a stream is in one round at a time) and a place in a round before it is decided',
    buckets: SECONDS,
    registers: [this.registry],
  });

  readonly feedSubscribers = new Gauge({
    name: 'tag_history_feed_subscribers',
    help: 'Readers of the change feed waiting now: long-polls and Server-Sent Events streams',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });
  readonly feedDelay = new Histogram({
    name: 'tag_history_feed_delay_seconds',
    help: "From an event's time (when it was decided) to its delivery to a waiting long-poll or event stream",
    labelNames: ['kind'] as const,
    buckets: SECONDS,
    registers: [this.registry],
  });

  constructor(readHead: () => Promise<number>) {
    collectDefaultMetrics({ register: this.registry });
    new Gauge({
      name: 'tag_history_log_head_position',
      help: "Position of the last event in the log (every instance's appends), read at scrape time",
      registers: [this.registry],
      async collect() {
        try {
          this.set(await readHead());
        } catch {
          // A database that does not answer leaves the last value; /readyz says it is down.
        }
      },
    });
  }

  /**
   * The tag cache's position (`position()`, undefined while it is off): the log head minus it is how far this
   * instance's memory is behind, e.g. while it catches up on writes it was not notified of.
   */
  watchTagCache(position: () => number | undefined): void {
    new Gauge({
      name: 'tag_history_tag_cache_position',
      help: "Log position up to which this instance's tag cache has applied every change, its own and other instances'; -1 while the cache is off (lookups read the database)",
      registers: [this.registry],
      collect() {
        this.set(position() ?? -1);
      },
    });
  }

  roundStarted(waitsMs: number[]): void {
    for (const ms of waitsMs) this.lockWait.observe(ms / 1000);
  }

  roundEnded(outcome: string, operations: number, events: number, commitMs: number): void {
    this.rounds.inc({ outcome });
    this.batchSize.observe(operations);
    this.commitDuration.observe(commitMs / 1000);
    if (outcome === 'appended') this.appendedEvents.inc(events);
  }

  /** Events handed to a feed reader that waited for them. */
  delivered(kind: 'longpoll' | 'sse', times: Date[]): void {
    const now = Date.now();
    for (const t of times) this.feedDelay.observe({ kind }, Math.max(0, now - t.getTime()) / 1000);
  }
}
