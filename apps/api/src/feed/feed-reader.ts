import { Inject, Injectable } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import type { RecordedEvent } from '@tag-history/event-store';
import { type FeedFilter, ReadFeedQuery } from '../queries';
import { FeedWaiter } from './feed-waiter';

@Injectable()
export class FeedReader {
  constructor(
    private readonly queryBus: QueryBus,
    @Inject(FeedWaiter) private readonly waiter: FeedWaiter,
  ) {}

  /** True once the instance shuts down: followers should end their streams. */
  get closed(): boolean {
    return this.waiter.isClosed;
  }

  /**
   * Events after `after`; when there are none yet, waits up to `waitMs` for
   * the first to commit. Empty when none came, the reader left (`gone`) or the
   * instance is shutting down.
   */
  async next(after: number, limit: number, filter: FeedFilter, waitMs: number, gone: () => boolean): Promise<RecordedEvent[]> {
    const deadline = Date.now() + waitMs;
    for (;;) {
      // Taken before the read: a commit between the read and the wait then ends the wait at once.
      const seen = this.waiter.current;
      const events = await this.queryBus.execute(new ReadFeedQuery(after, limit, filter));
      const left = deadline - Date.now();
      if (events.length > 0 || left <= 0 || this.closed || gone()) return events;
      await this.waiter.wait(seen, left);
    }
  }
}
