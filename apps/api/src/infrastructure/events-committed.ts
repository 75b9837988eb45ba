import type { RecordedEvent } from '@tag-history/event-store';

/**
 * One round of this instance's writes, published on Nest's EventBus after it
 * commits and before any of its writers is answered (commit-publisher.ts).
 * One per round rather than one per event: the round committed as one, and
 * its subscribers want it whole (the tag cache moves its position only over
 * events that follow it without a gap; a 1,000-tag batch wakes the feed once,
 * not 1,000 times). An acknowledged idempotent replay publishes its events
 * again: subscribers take an event twice without harm.
 */
export class EventsCommitted {
  constructor(readonly events: readonly RecordedEvent[]) {}
}
