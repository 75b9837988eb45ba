import { Query } from '@nestjs/cqrs';
import type { TagView } from '../tag-view';

export class GetTagQuery extends Query<TagView> {
  constructor(
    readonly repository: string,
    readonly tag: string,
  ) {
    super();
  }
}
