import { Query } from '@nestjs/cqrs';
import type { TagView } from '@tag-history/queries';

export class GetTagQuery extends Query<TagView> {
  constructor(
    readonly repository: string,
    readonly tag: string,
    /** Read the database, not this instance's cache (`Cache-Control: no-cache`). */
    readonly fresh = false,
  ) {
    super();
  }
}
