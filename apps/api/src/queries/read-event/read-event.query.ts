import { Query } from '@nestjs/cqrs';
import type { RecordedEvent } from '@tag-history/event-store';

export interface EventWithPrevious {
  event: RecordedEvent;
  /** The event before it in its stream (the one its `prev` names), null for a stream's first. */
  previous: RecordedEvent | null;
}

/** One event of the log by its position; undefined when there is none. */
export class ReadEventQuery extends Query<EventWithPrevious | undefined> {
  constructor(readonly position: number) {
    super();
  }
}
