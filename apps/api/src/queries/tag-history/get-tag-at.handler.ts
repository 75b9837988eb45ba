import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { READ_DATABASE, type Database } from '@tag-history/database';
import { TagHistoryError } from '@tag-history/domain';
import type { Kysely } from 'kysely';
import type { TagView } from '@tag-history/queries';
import { GetTagAtQuery } from './get-tag-at.query';
import { intervalAt } from '@tag-history/queries';
import { targetOf } from '@tag-history/queries';

@QueryHandler(GetTagAtQuery)
export class GetTagAtHandler implements IQueryHandler<GetTagAtQuery, TagView> {
  constructor(@Inject(READ_DATABASE) private readonly db: Kysely<Database>) {}

  async execute({ repository, tag, point }: GetTagAtQuery): Promise<TagView> {
    const row = await intervalAt(this.db, repository, tag, point);
    if (!row) {
      throw new TagHistoryError('TAG_UNKNOWN', `tag ${repository}:${tag} did not exist then`, { name: repository, tag, ...pointDetail(point) });
    }
    return {
      name: row.repository,
      tag: row.tag,
      target: targetOf(row),
      version: row.version,
      position: row.from_position,
      updatedAt: row.from_time.toISOString(),
      updatedBy: row.from_actor,
    };
  }
}

function pointDetail(point: GetTagAtQuery['point']) {
  return 'time' in point ? { at: point.time.toISOString() } : { position: point.position };
}
