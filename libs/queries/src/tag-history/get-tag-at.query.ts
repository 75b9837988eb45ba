import { Query } from '@nestjs/cqrs';
import type { TagView } from '../tag-view';
import type { PointInTime } from './point-in-time';

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
