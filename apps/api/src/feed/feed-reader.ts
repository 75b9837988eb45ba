import { Inject, Injectable } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { withRequiredPosition } from '@tag-history/database';
import type { RecordedEvent } from '@tag-history/event-store';
import { type FeedFilter, ReadFeedQuery } from '../queries';
import { ServiceMetrics } from '../observability/service-metrics';
import { FeedWaiter } from './feed-waiter';

export type FeedKind = 'longpoll' | 'sse';

@Injectable()
export class FeedReader {
  constructor(
    private readonly queryBus: QueryBus,
    @Inject(FeedWaiter) private readonly waiter: FeedWaiter,
    @Inject(ServiceMetrics) private readonly metrics: ServiceMetrics,
  ) {}

  /** Counts an event stream as a subscriber until the returned function is called. */
  subscribe(kind: FeedKind): () => void {
    this.metrics.feedSubscribers.inc({ kind });
    return () => this.metrics.feedSubscribers.dec({ kind });
  }

  /** True once the instance shuts down: followers should end their streams. */
  get closed(): boolean {
    return this.waiter.isClosed;
  }

  /**
   * Events after `after`; when there are none yet, waits up to `waitMs` for
   * the first to commit. Empty when none came, the reader left (`gone`) or the
   * instance is shutting down.
   */
  async next(after: number, limit: number, filter: FeedFilter, waitMs: number, gone: () => boolean, kind: FeedKind = 'longpoll'): Promise<RecordedEvent[]> {
    const deadline = Date.now() + waitMs;
    let waiting: (() => void) | undefined;
    try {
      for (;;) {
        // Taken before the read: a commit between the read and the wait then ends the wait at once.
        const seen = this.waiter.current;
        // Woken by a commit on the primary: read from a copy that has it, or a replica would answer nothing new.
        const notified = this.waiter.notifiedPosition;
        const events: RecordedEvent[] = await withRequiredPosition(notified > after ? notified : undefined, () =>
          this.queryBus.execute(new ReadFeedQuery(after, limit, filter)),
        );
        const left = deadline - Date.now();
        if (events.length > 0 || left <= 0 || this.closed || gone()) {
          // Only events a reader waited for measure the feed's delay; a catch-up read would measure their age.
          if (waiting)
            this.metrics.delivered(
              kind,
              events.map((e) => e.recordedAt),
            );
          return events;
        }
        // An event stream counts as a subscriber for as long as it is open (event-stream.ts); a long-poll while it waits.
        waiting ??= kind === 'longpoll' ? this.subscribe(kind) : () => undefined;
        await this.waiter.wait(seen, left);
      }
    } finally {
      waiting?.();
    }
  }
}
