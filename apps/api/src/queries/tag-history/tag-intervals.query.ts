import { Query } from '@nestjs/cqrs';
import type { IntervalView } from '@tag-history/queries';

export interface TagDigestAnswer {
  /** Every interval in which the tag pointed at the digest, oldest first (only the one containing `at`, when given). */
  intervals: IntervalView[];
  current: boolean;
}

/** `name:tag@digest`: did the tag ever point at the digest (or at `at`)? MANIFEST_UNKNOWN when not. */
export class TagIntervalsQuery extends Query<TagDigestAnswer> {
  constructor(
    readonly repository: string,
    readonly tag: string,
    readonly digest: string,
    readonly at?: Date,
  ) {
    super();
  }
}
