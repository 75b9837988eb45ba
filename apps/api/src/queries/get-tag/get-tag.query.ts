import { Query } from '@nestjs/cqrs';
import type { TagView } from '@tag-history/queries';

export class GetTagQuery extends Query<TagView> {
  constructor(
    readonly repository: string,
    readonly tag: string,
  ) {
    super();
  }
}
