import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { READ_DATABASE, type Database } from '@tag-history/database';
import type { Kysely } from 'kysely';
import { type DigestHistoryPage, DigestHistoryQuery } from './digest-history.query';
import { type IntervalView, toIntervalView } from '@tag-history/queries';

@QueryHandler(DigestHistoryQuery)
export class DigestHistoryHandler implements IQueryHandler<DigestHistoryQuery, DigestHistoryPage> {
  constructor(@Inject(READ_DATABASE) private readonly db: Kysely<Database>) {}

  async execute({ repository, digest, n, last }: DigestHistoryQuery): Promise<DigestHistoryPage> {
    // Both reads walk tag_history_by_digest (repository, digest, tag) from the cursor.
    let tagQuery = this.db.selectFrom('tag_history').select('tag').distinct().where('repository', '=', repository).where('digest', '=', digest);
    if (last !== undefined) tagQuery = tagQuery.where('tag', '>', last);
    const tags = (
      await tagQuery
        .orderBy('tag')
        .limit(n + 1)
        .execute()
    ).map((r) => r.tag);
    const page = tags.slice(0, n);
    if (page.length === 0) return { tags: [], more: false };
    const rows = await this.db
      .selectFrom('tag_history')
      .selectAll()
      .where('repository', '=', repository)
      .where('digest', '=', digest)
      .where('tag', 'in', page)
      .orderBy('tag')
      .orderBy('version')
      .execute();
    const byTag = new Map<string, IntervalView[]>(page.map((t) => [t, []]));
    for (const row of rows) byTag.get(row.tag)!.push(toIntervalView(row));
    return {
      tags: [...byTag].map(([tag, intervals]) => ({ tag, current: intervals.some((i) => i.to === null), intervals })),
      more: tags.length > n,
    };
  }
}
