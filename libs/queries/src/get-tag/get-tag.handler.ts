import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { DATABASE, type Database } from '@tag-history/database';
import { TagHistoryError } from '@tag-history/domain';
import type { Kysely } from 'kysely';
import { type TagView, toTagView } from '../tag-view';
import { GetTagQuery } from './get-tag.query';

export async function getTag(db: Kysely<Database>, repository: string, tag: string): Promise<TagView | undefined> {
  const row = await db.selectFrom('tags').selectAll().where('repository', '=', repository).where('tag', '=', tag).executeTakeFirst();
  return row && toTagView(row);
}

@QueryHandler(GetTagQuery)
export class GetTagHandler implements IQueryHandler<GetTagQuery, TagView> {
  constructor(@Inject(DATABASE) private readonly db: Kysely<Database>) {}

  async execute({ repository, tag }: GetTagQuery): Promise<TagView> {
    const view = await getTag(this.db, repository, tag);
    if (!view) throw new TagHistoryError('TAG_UNKNOWN', `tag ${repository}:${tag} does not exist`, { name: repository, tag });
    return view;
  }
}
