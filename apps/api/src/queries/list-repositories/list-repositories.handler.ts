import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { READ_DATABASE, type Database } from '@tag-history/database';
import { type Kysely, sql } from 'kysely';
import { ListRepositoriesQuery, type RepositorySummary } from './list-repositories.query';

/**
 * Counts come from the projections per repository (the `tags` primary key and
 * `tag_history`'s, both led by the repository), so a page costs its
 * repositories' rows, not the whole log.
 */
@QueryHandler(ListRepositoriesQuery)
export class ListRepositoriesHandler implements IQueryHandler<ListRepositoriesQuery, RepositorySummary[]> {
  constructor(@Inject(READ_DATABASE) private readonly db: Kysely<Database>) {}

  async execute({ limit, search, last }: ListRepositoriesQuery): Promise<RepositorySummary[]> {
    const rows = await this.db
      .selectFrom('repositories as r')
      .select([
        'r.name',
        (eb) =>
          eb
            .selectFrom('tags as t')
            .whereRef('t.repository', '=', 'r.name')
            .select(sql<string>`count(*)`.as('n'))
            .as('tags'),
        (eb) =>
          eb
            .selectFrom('tag_history as h')
            .whereRef('h.repository', '=', 'r.name')
            .select(sql<Date | null>`max(greatest(h.from_time, h.to_time))`.as('t'))
            .as('last_change'),
      ])
      .$if(search !== undefined && search !== '', (q) => q.where(sql<boolean>`strpos(r.name, ${search}) > 0`))
      .$if(last !== undefined, (q) => q.where(sql<boolean>`r.name collate "C" > ${last}`))
      .orderBy(sql`r.name collate "C"`)
      .limit(limit)
      .execute();
    return rows.map((r) => ({ name: r.name, tags: Number(r.tags), lastChange: r.last_change === null ? null : new Date(r.last_change) }));
  }
}
