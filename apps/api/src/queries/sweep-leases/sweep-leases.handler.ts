import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { DATABASE, type Database } from '@tag-history/database';
import type { ManifestRef } from '@tag-history/domain';
import type { Kysely } from 'kysely';
import { SweepLeasesQuery } from './sweep-leases.query';

@QueryHandler(SweepLeasesQuery)
export class SweepLeasesHandler implements IQueryHandler<SweepLeasesQuery, ManifestRef[]> {
  constructor(@Inject(DATABASE) private readonly db: Kysely<Database>) {}

  execute({ sweepId }: SweepLeasesQuery): Promise<ManifestRef[]> {
    return this.db.selectFrom('gc_leases').select(['repository', 'digest']).where('sweep_id', '=', sweepId).orderBy('repository').orderBy('digest').execute();
  }
}
