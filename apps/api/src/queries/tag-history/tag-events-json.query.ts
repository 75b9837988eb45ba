import { Query } from '@nestjs/cqrs';

export interface TagEventsJson {
  /** The page's events as JSON texts joined by commas: the inside of the answer's `events` array. */
  events: string;
  /** The version of the page's oldest event; undefined for an empty page. */
  oldest?: number;
  /** True when older events remain. */
  more: boolean;
}

/** A page of a tag's events, newest first, as the JSON the history route answers (see TagEventsQuery for the views). */
export class TagEventsJsonQuery extends Query<TagEventsJson> {
  constructor(
    readonly repository: string,
    readonly tag: string,
    readonly n: number,
    /** Cursor: only versions below this one. */
    readonly belowVersion?: number,
  ) {
    super();
  }
}
