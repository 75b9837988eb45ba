import { Query } from '@nestjs/cqrs';
import type { RecordedEvent } from '@tag-history/event-store';

export interface FeedFilter {
  repository?: string;
  /** Event types to keep; empty keeps all. */
  types: string[];
}

/** Events after a log position, in log order. */
export class ReadFeedQuery extends Query<RecordedEvent[]> {
  constructor(
    readonly after: number,
    readonly limit: number,
    readonly filter: FeedFilter,
  ) {
    super();
  }
}
