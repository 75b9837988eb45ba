import type { FeedFollower } from '../driver/load-spec';
import type { Workload } from './workload';

const WRITERS = 4;
const followers: [FeedFollower, string][] = [
  ['long-poll', 'long-poll (GET /v2/_events?wait=30)'],
  ['sse', 'Server-Sent Events (Accept: text/event-stream)'],
];

/**
 * Issue 7, workload 6: the change feed's end-to-end delay, from a move's 2xx
 * to a follower having its event, p50 and p99, for each way of following.
 * The issue sets no number for it.
 */
export const feed: Workload = {
  name: 'feed',
  title: 'change feed: delay from commit (the PUT 2xx) to a following reader',
  async run(bench) {
    for (const [follower, how] of followers) {
      const service = await bench.feed(follower, `bench/feed-${follower}`, WRITERS);
      bench.record({
        workload: 'feed',
        case: `feed delay, ${how}, ${WRITERS} writers`,
        clients: WRITERS,
        service,
        unit: 'move',
        detail: `p50 / p99 is the delay from the PUT's 2xx to the follower having the event; ${service.ops.toLocaleString('en-US')} events followed`,
      });
    }
  },
};
