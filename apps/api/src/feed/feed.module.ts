import { type DynamicModule, Module } from '@nestjs/common';
import { ReadFeedHandler } from '../queries';
import type { Infrastructure } from '../infrastructure/open-infrastructure';
import { FeedReader } from './feed-reader';
import { FeedWaiter } from './feed-waiter';
import { ReadFeedController } from './read-feed/read-feed.controller';

/** The change feed: JSON pages with long-poll, and Server-Sent Events. */
@Module({})
export class FeedModule {
  static forRoot(infrastructure: Infrastructure): DynamicModule {
    const waiter = infrastructure.listenConfig
      ? { listen: infrastructure.listenConfig, pollMs: 5_000, fallbackPollMs: 500 }
      : // PGlite: one process, no LISTEN connection of its own; a short poll is cheap in-process.
        { pollMs: 200, fallbackPollMs: 200 };
    return {
      module: FeedModule,
      // The tag cache follows the same LISTEN connection (tags/current-tags).
      global: true,
      exports: [FeedWaiter],
      controllers: [ReadFeedController],
      providers: [{ provide: FeedWaiter, useFactory: () => new FeedWaiter(waiter) }, FeedReader, ReadFeedHandler],
    };
  }
}
