import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { READ_DATABASE, type Database } from '@tag-history/database';
import { TagHistoryError } from '@tag-history/domain';
import type { Kysely } from 'kysely';
import { ListTagsQuery, type TagPage } from './list-tags.query';

@QueryHandler(ListTagsQuery)
export class ListTagsHandler implements IQueryHandler<ListTagsQuery, TagPage> {
  constructor(@Inject(READ_DATABASE) private readonly db: Kysely<Database>) {}

  async execute({ repository, n, last }: ListTagsQuery): Promise<TagPage> {
    let query = this.db.selectFrom('tags').select('tag').where('repository', '=', repository);
    // The column's collation is "C": lexical order, as the OCI tag list wants.
    if (last !== undefined) query = query.where('tag', '>', last);
    const rows = await query
      .orderBy('tag')
      .limit(n + 1)
      .execute();
    if (rows.length === 0 && !(await this.known(repository))) {
      throw new TagHistoryError('NAME_UNKNOWN', `repository ${repository} is not known`, { name: repository });
    }
    return { name: repository, tags: rows.slice(0, n).map((r) => r.tag), more: rows.length > n };
  }

  private async known(repository: string): Promise<boolean> {
    return (await this.db.selectFrom('repositories').select('name').where('name', '=', repository).executeTakeFirst()) !== undefined;
  }
}
