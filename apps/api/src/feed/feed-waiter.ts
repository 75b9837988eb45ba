import { Logger, type OnModuleDestroy } from '@nestjs/common';
import { EventsHandler, type IEventHandler } from '@nestjs/cqrs';
import { APPENDED_CHANNEL } from '@tag-history/event-store';
import pg from 'pg';
import { EventsCommitted } from '../infrastructure/events-committed';

/** What the LISTEN connection went through: a commit's notification, (re)connected, or lost. */
export type FeedSignal = 'notified' | 'connected' | 'lost';

export interface FeedWaiterOptions {
  /** The LISTEN connection's settings (a direct one: a transaction-mode pooler drops LISTEN); absent on PGlite, which then polls. */
  listen?: pg.ClientConfig;
  /** How often a waiter looks again without a notification. */
  pollMs: number;
  /** The same while the LISTEN connection is down. */
  fallbackPollMs: number;
}

/**
 * Wakes feed readers when the log grows. One LISTEN connection per instance,
 * not per request: a notification wakes every waiter of this process, and
 * each reads again. Notifications can be lost (connection dropped, another
 * instance's commit while reconnecting), so waiters also wake by polling;
 * they never depend on a notification for correctness, only for latency.
 * This instance's own commits wake them from the EventBus, without waiting
 * for their notification's round trip (or, on PGlite, for the next poll).
 */
@EventsHandler(EventsCommitted)
export class FeedWaiter implements OnModuleDestroy, IEventHandler<EventsCommitted> {
  private readonly logger = new Logger('feed');
  private readonly wakers = new Set<() => void>();
  private readonly watchers = new Set<(signal: FeedSignal, head?: number) => void>();
  private client?: pg.Client;
  private listening = false;
  private closed = false;
  private reconnectTimer?: NodeJS.Timeout;
  /** Counts wake-ups, so that a reader can tell whether one came between its read and its wait. */
  private generation = 0;
  private notified = 0;

  constructor(private readonly options: FeedWaiterOptions) {
    void this.listen();
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** False on PGlite: there is no LISTEN connection, only polling. */
  get canListen(): boolean {
    return this.options.listen !== undefined;
  }

  /** True while the LISTEN connection is up: every commit from then on is notified. */
  get isListening(): boolean {
    return this.listening;
  }

  /** Calls `watcher` with every signal of the LISTEN connection (a notification with the log's head then); returns the unsubscribe function. */
  watch(watcher: (signal: FeedSignal, head?: number) => void): () => void {
    this.watchers.add(watcher);
    return () => this.watchers.delete(watcher);
  }

  /** The highest log head a notification announced or this instance committed: reads from a replica wait for it (see FeedReader). */
  get notifiedPosition(): number {
    return this.notified;
  }

  /** The generation to pass to `wait` after the next read. */
  get current(): number {
    return this.generation;
  }

  /**
   * Resolves at the next wake-up after `seen`, at the next poll, after
   * `maxMs`, or when the instance shuts down, whichever comes first.
   */
  wait(seen: number, maxMs: number): Promise<void> {
    if (this.closed || this.generation !== seen) return Promise.resolve();
    const pollMs = this.listening ? this.options.pollMs : this.options.fallbackPollMs;
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakers.delete(done);
        resolve();
      };
      const timer = setTimeout(done, Math.max(0, Math.min(maxMs, pollMs)));
      this.wakers.add(done);
    });
  }

  handle({ events }: EventsCommitted): void {
    this.notified = Math.max(this.notified, events[events.length - 1]?.position ?? 0);
    this.wakeWaiters();
  }

  async onModuleDestroy(): Promise<void> {
    this.closed = true;
    clearTimeout(this.reconnectTimer);
    this.wakeAll('lost');
    await this.client?.end().catch(() => undefined);
  }

  private wakeAll(signal: FeedSignal = 'notified', head?: number): void {
    this.wakeWaiters();
    for (const watcher of [...this.watchers]) watcher(signal, head);
  }

  private wakeWaiters(): void {
    this.generation++;
    for (const wake of [...this.wakers]) wake();
  }

  private async listen(): Promise<void> {
    if (!this.options.listen || this.closed) return;
    const client = new pg.Client(this.options.listen);
    let lost = false;
    const onLost = () => {
      if (lost) return;
      lost = true;
      if (this.listening && !this.closed) this.logger.warn(`LISTEN connection lost; polling every ${this.options.fallbackPollMs} ms until it is back`);
      this.listening = false;
      void client.end().catch(() => undefined);
      // Commits may have been missed while down: let every waiter read again.
      this.wakeAll('lost');
      if (!this.closed) this.reconnectTimer = setTimeout(() => void this.listen(), 1_000).unref();
    };
    client.on('notification', ({ payload }) => {
      const head = Number(payload) || undefined;
      this.notified = Math.max(this.notified, head ?? 0);
      this.wakeAll('notified', head);
    });
    client.on('error', onLost);
    client.on('end', onLost);
    try {
      await client.connect();
      await client.query(`listen ${APPENDED_CHANNEL}`);
      if (this.closed) return void client.end().catch(() => undefined);
      this.client = client;
      this.listening = true;
      this.wakeAll('connected');
    } catch {
      onLost();
    }
  }
}
