import { Query } from '@nestjs/cqrs';
import type { TagView } from '@tag-history/queries';

/** The tags of a repository that point at a digest now. */
export class FindTagsByDigestQuery extends Query<TagView[]> {
  constructor(
    readonly repository: string,
    readonly digest: string,
  ) {
    super();
  }
}
