import { Inject, Injectable, Logger, type OnModuleDestroy, type OnModuleInit } from '@nestjs/common';
import { EventBus, ofType } from '@nestjs/cqrs';
import { DATABASE, type Database } from '@tag-history/database';
import { type ChangeEvent, CurrentTags, logHead, readTagChanges, tagChangeOf } from '@tag-history/queries';
import type { Kysely } from 'kysely';
import { FeedWaiter, type FeedSignal } from '../../feed/feed-waiter';
import { EventsCommitted } from '../../infrastructure/events-committed';

/** Events read per catch-up query. */
const PAGE = 1_000;
/** PGlite has no LISTEN: how often the cache looks at the log for writes this process did not make. */
const POLL_MS = 200;
/** How long a notification waits for this instance's own commit to be applied before the log is read for it. */
const OWN_COMMIT_GRACE_MS = 2;
/** After a failed catch-up, how long before starting over. */
const RETRY_MS = 1_000;

/**
 * Keeps this instance's tag cache current (see README, "Current tags from
 * memory"):
 * - this instance's commits apply synchronously, before their writers are
 *   answered (EventsCommitted on the EventBus), so an instance never answers
 *   older than what it acknowledged;
 * - other instances' commits arrive through the change feed: each
 *   notification reads the log after the last position applied, in order;
 * - the cache answers only while the LISTEN connection is up. When it drops,
 *   notifications may be lost: the cache is emptied and lookups read the
 *   database until it is back, and then it is emptied again and starts from
 *   the log head of that moment. A failed catch-up does the same.
 */
@Injectable()
export class TagCacheFollower implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('tag-cache');
  private seen = 0;
  private running?: Promise<void>;
  private again = false;
  private closed = false;
  private timer?: NodeJS.Timeout;
  private readonly unsubscribe: (() => void)[] = [];

  constructor(
    @Inject(DATABASE) private readonly db: Kysely<Database>,
    @Inject(EventBus) private readonly bus: EventBus,
    @Inject(FeedWaiter) private readonly waiter: FeedWaiter,
    @Inject(CurrentTags) private readonly tags: CurrentTags,
  ) {}

  onModuleInit(): void {
    // A subscription to the bus, not an @EventsHandler: the EventBus's default publisher is an RxJS Subject, which calls
    // its subscribers within publish(), so the commit is in the cache before its writers are answered (tag-cache e2e).
    // @nestjs/cqrs 11 calls a singleton @EventsHandler within publish() too, but only by the way it is built (mergeMap
    // over defer, the result wrapped in a promise): a handler with a request-scoped dependency is resolved asynchronously
    // first, and handlers are subscribed only at application bootstrap, so a commit before then would not reach one.
    const own = this.bus.pipe(ofType(EventsCommitted)).subscribe(({ events }) => this.applyOwn(events));
    this.unsubscribe.push(() => own.unsubscribe());
    if (this.waiter.canListen) {
      this.unsubscribe.push(this.waiter.watch((signal, head) => this.signal(signal, head)));
      if (this.waiter.isListening) void this.start();
    } else {
      void this.start();
    }
  }

  onModuleDestroy(): void {
    this.closed = true;
    this.stop();
    this.unsubscribe.forEach((u) => u());
  }

  private signal(signal: FeedSignal, head?: number): void {
    if (signal === 'notified') {
      // This instance's own commits, already applied, need no read of the log. The notification of one is often
      // heard before its writer's answer arrives: that gets a moment to apply it first.
      if (head !== undefined && head <= this.seen) return;
      setTimeout(() => (head === undefined || head > this.seen) && this.catchUp(), OWN_COMMIT_GRACE_MS).unref();
      return;
    }
    if (signal === 'lost') return this.stop();
    void this.start();
  }

  /** From the log head of now, with an empty cache: nothing it could hold can be older than what the feed brings. */
  private async start(): Promise<void> {
    this.stop();
    try {
      const head = await logHead(this.db);
      if (this.closed || (this.waiter.canListen && !this.waiter.isListening)) return;
      // Reads that began before the head was read are dropped with this clear.
      this.tags.cache.clear();
      this.seen = Math.max(this.seen, head);
      this.tags.position = this.seen;
      this.tags.serving = true;
      if (!this.waiter.canListen) this.timer = setInterval(() => this.catchUp(), POLL_MS).unref();
      this.catchUp();
    } catch (error) {
      this.retry(error);
    }
  }

  private stop(): void {
    clearInterval(this.timer);
    clearTimeout(this.timer);
    this.timer = undefined;
    this.tags.serving = false;
    this.tags.cache.clear();
  }

  private retry(error: unknown): void {
    if (this.closed) return;
    this.stop();
    this.logger.warn(`tag cache off, lookups read the database: ${error instanceof Error ? error.message : String(error)}`);
    this.timer = setTimeout(() => void this.start(), RETRY_MS).unref();
  }

  /** Reads the log after `seen` until it is read to the end; one reader at a time, again if asked meanwhile. */
  private catchUp(): void {
    if (!this.tags.serving) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = (async () => {
      try {
        do {
          this.again = false;
          let events: ChangeEvent[];
          do {
            events = await readTagChanges(this.db, this.seen, PAGE);
            this.apply(events, false);
          } while (events.length === PAGE && this.tags.serving);
        } while (this.again && this.tags.serving);
      } catch (error) {
        this.retry(error);
      } finally {
        this.running = undefined;
      }
    })();
  }

  /** A commit this cache could not take would leave it older than what was acknowledged: it stops serving instead. */
  private applyOwn(events: readonly ChangeEvent[]): void {
    try {
      this.apply(events, true);
    } catch (error) {
      this.retry(error);
    }
  }

  /** Own commits are kept whether or not the cache held the tag (`insert`); others' only for tags it holds or is reading. */
  private apply(events: readonly ChangeEvent[], insert: boolean): void {
    for (const event of events) {
      const change = tagChangeOf(event);
      if (change) this.tags.cache.apply(change.key, change.version, change.view, insert);
    }
    // Positions commit in order: own events right after `seen` leave nothing unread below them. Otherwise
    // another instance's events may sit below, and only the log advances `seen`.
    const first = events[0]?.position;
    if (insert && events.length > 0) this.tags.written = Math.max(this.tags.written, events[events.length - 1]!.position);
    if (first !== undefined && (!insert || first === this.seen + 1)) this.seen = Math.max(this.seen, events[events.length - 1]!.position);
    this.tags.position = this.seen;
  }
}
