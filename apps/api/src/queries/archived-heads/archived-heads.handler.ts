import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { READ_DATABASE, type Database } from '@tag-history/database';
import { readArchiveBoundary, readArchivedHeads } from '@tag-history/event-store';
import type { Kysely } from 'kysely';
import { type ArchivedHeads, ArchivedHeadsQuery } from './archived-heads.query';

@QueryHandler(ArchivedHeadsQuery)
export class ArchivedHeadsHandler implements IQueryHandler<ArchivedHeadsQuery, ArchivedHeads> {
  constructor(@Inject(READ_DATABASE) private readonly db: Kysely<Database>) {}

  async execute({ repository }: ArchivedHeadsQuery): Promise<ArchivedHeads> {
    const [boundary, streams] = await Promise.all([readArchiveBoundary(this.db), readArchivedHeads(this.db, repository)]);
    return { boundary: boundary.position, segment: boundary.segment, streams };
  }
}
