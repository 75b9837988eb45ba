import { Query } from '@nestjs/cqrs';
import type { TagEventView } from '@tag-history/queries';

export interface TagEventsPage {
  events: TagEventView[];
  /** True when older events (within the range) remain. */
  more: boolean;
}

export interface TagEventsRange {
  /** Cursor: only versions below this one. */
  belowVersion?: number;
  /** Only events recorded strictly before this time. */
  before?: Date;
  /** Only events recorded at or after this time. */
  since?: Date;
  /** Only events whose descriptor (the new target, or for a deletion the old one) has this digest. */
  digest?: string;
}

/** A page of a tag's events, newest first, within a range. */
export class TagEventsQuery extends Query<TagEventsPage> {
  constructor(
    readonly repository: string,
    readonly tag: string,
    readonly n: number,
    readonly range: TagEventsRange = {},
  ) {
    super();
  }
}
