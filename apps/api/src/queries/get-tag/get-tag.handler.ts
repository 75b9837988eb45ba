import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { TagHistoryError } from '@tag-history/domain';
import { CurrentTags, type TagView } from '@tag-history/queries';
import { GetTagQuery } from './get-tag.query';

@QueryHandler(GetTagQuery)
export class GetTagHandler implements IQueryHandler<GetTagQuery, TagView> {
  constructor(@Inject(CurrentTags) private readonly tags: CurrentTags) {}

  async execute({ repository, tag, fresh }: GetTagQuery): Promise<TagView> {
    const view = await this.tags.get(repository, tag, fresh);
    if (!view) throw new TagHistoryError('TAG_UNKNOWN', `tag ${repository}:${tag} does not exist`, { name: repository, tag });
    return view;
  }
}
