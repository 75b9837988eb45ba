import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { READ_DATABASE, type Database } from '@tag-history/database';
import { TagHistoryError } from '@tag-history/domain';
import type { Kysely } from 'kysely';
import { toIntervalView } from '@tag-history/queries';
import { type TagDigestAnswer, TagIntervalsQuery } from './tag-intervals.query';

@QueryHandler(TagIntervalsQuery)
export class TagIntervalsHandler implements IQueryHandler<TagIntervalsQuery, TagDigestAnswer> {
  constructor(@Inject(READ_DATABASE) private readonly db: Kysely<Database>) {}

  async execute({ repository, tag, digest, at }: TagIntervalsQuery): Promise<TagDigestAnswer> {
    // tag_history_by_digest (repository, digest, tag): only this tag's intervals at this digest are read.
    const rows = await this.db
      .selectFrom('tag_history')
      .selectAll()
      .where('repository', '=', repository)
      .where('digest', '=', digest)
      .where('tag', '=', tag)
      .orderBy('version')
      .execute();
    const matching = at === undefined ? rows : rows.filter((r) => r.from_time <= at && (r.to_time === null || r.to_time > at));
    if (matching.length === 0) {
      const when = at === undefined ? 'ever' : `at ${at.toISOString()}`;
      throw new TagHistoryError('MANIFEST_UNKNOWN', `tag ${repository}:${tag} did not point at ${digest} ${when}`, {
        name: repository,
        tag,
        digest,
        ...(at !== undefined ? { at: at.toISOString() } : {}),
      });
    }
    return { intervals: matching.map(toIntervalView), current: rows.some((r) => r.to_version === null) };
  }
}
