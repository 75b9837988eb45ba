import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { READ_DATABASE, type Database } from '@tag-history/database';
import type { Kysely } from 'kysely';
import { ListPinsQuery, type PinPage } from './list-pins.query';

@QueryHandler(ListPinsQuery)
export class ListPinsHandler implements IQueryHandler<ListPinsQuery, PinPage> {
  constructor(@Inject(READ_DATABASE) private readonly db: Kysely<Database>) {}

  async execute({ repository, n, last }: ListPinsQuery): Promise<PinPage> {
    let query = this.db.selectFrom('pins').selectAll().where('repository', '=', repository);
    if (last !== undefined) query = query.where('digest', '>', last);
    const rows = await query
      .orderBy('digest')
      .limit(n + 1)
      .execute();
    return {
      name: repository,
      pins: rows
        .slice(0, n)
        .map((r) => ({ digest: r.digest, reason: r.reason, pinnedBy: r.pinned_by, pinnedAt: r.pinned_at.toISOString(), position: r.position })),
      more: rows.length > n,
    };
  }
}
