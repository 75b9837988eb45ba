import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { READ_DATABASE, type Database } from '@tag-history/database';
import type { Kysely } from 'kysely';
import { type TagView, toTagView } from '@tag-history/queries';
import { FindTagsByDigestQuery } from './find-tags-by-digest.query';

@QueryHandler(FindTagsByDigestQuery)
export class FindTagsByDigestHandler implements IQueryHandler<FindTagsByDigestQuery, TagView[]> {
  constructor(@Inject(READ_DATABASE) private readonly db: Kysely<Database>) {}

  async execute({ repository, digest }: FindTagsByDigestQuery): Promise<TagView[]> {
    const rows = await this.db.selectFrom('tags').selectAll().where('repository', '=', repository).where('digest', '=', digest).orderBy('tag').execute();
    return rows.map(toTagView);
  }
}
