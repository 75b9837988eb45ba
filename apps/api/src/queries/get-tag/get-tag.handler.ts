import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { DATABASE, type Database } from '@tag-history/database';
import { TagHistoryError } from '@tag-history/domain';
import type { Kysely } from 'kysely';
import type { TagView } from '@tag-history/queries';
import { CoalescedTagLookups } from '@tag-history/queries';
import { GetTagQuery } from './get-tag.query';

@QueryHandler(GetTagQuery)
export class GetTagHandler implements IQueryHandler<GetTagQuery, TagView> {
  private readonly lookups: CoalescedTagLookups;

  constructor(@Inject(DATABASE) db: Kysely<Database>) {
    this.lookups = new CoalescedTagLookups(db);
  }

  async execute({ repository, tag }: GetTagQuery): Promise<TagView> {
    const view = await this.lookups.get(repository, tag);
    if (!view) throw new TagHistoryError('TAG_UNKNOWN', `tag ${repository}:${tag} does not exist`, { name: repository, tag });
    return view;
  }
}
