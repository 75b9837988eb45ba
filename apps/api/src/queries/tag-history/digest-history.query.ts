import { Query } from '@nestjs/cqrs';
import type { IntervalView } from '@tag-history/queries';

export interface DigestHistoryPage {
  tags: { tag: string; current: boolean; intervals: IntervalView[] }[];
  more: boolean;
}

/** Every tag of the repository that ever pointed at the digest, in tag order after `last`, with its intervals. */
export class DigestHistoryQuery extends Query<DigestHistoryPage> {
  constructor(
    readonly repository: string,
    readonly digest: string,
    readonly n: number,
    readonly last?: string,
  ) {
    super();
  }
}
