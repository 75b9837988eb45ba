import { Query } from '@nestjs/cqrs';

export interface TagPage {
  name: string;
  tags: string[];
  /** True when tags after the last one returned remain. */
  more: boolean;
}

export class ListTagsQuery extends Query<TagPage> {
  constructor(
    readonly repository: string,
    readonly n: number,
    readonly last?: string,
  ) {
    super();
  }
}
