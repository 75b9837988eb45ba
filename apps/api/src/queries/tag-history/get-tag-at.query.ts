import { Query } from '@nestjs/cqrs';
import type { TagView } from '@tag-history/queries';
import type { PointInTime } from '@tag-history/queries';

/** The tag as it was at a point in the past. */
export class GetTagAtQuery extends Query<TagView> {
  constructor(
    readonly repository: string,
    readonly tag: string,
    readonly point: PointInTime,
  ) {
    super();
  }
}
