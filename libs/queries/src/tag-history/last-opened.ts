import type { Database, TagHistoryTable } from '@tag-history/database';
import type { Kysely } from 'kysely';
import type { PointInTime } from './point-in-time';

/**
 * The last interval the tag opened at or before the point (strictly before
 * when `strict`). One probe of tag_history_at_time or _at_position, however
 * long the history: times are found first and only their (rare) ties sorted
 * by version, since ordering the whole scan by (time, version) would make the
 * planner sort every earlier interval.
 */
export async function lastOpened(
  db: Kysely<Database>,
  repository: string,
  tag: string,
  point: PointInTime,
  strict = false,
): Promise<TagHistoryTable | undefined> {
  const op = strict ? '<' : '<=';
  const base = db.selectFrom('tag_history').selectAll().where('repository', '=', repository).where('tag', '=', tag);
  if ('position' in point) {
    return base.where('from_position', op, point.position).orderBy('from_position', 'desc').limit(1).executeTakeFirst();
  }
  const latestTime = db
    .selectFrom('tag_history')
    .select('from_time')
    .where('repository', '=', repository)
    .where('tag', '=', tag)
    .where('from_time', op, point.time)
    .orderBy('from_time', 'desc')
    .limit(1);
  return base.where('from_time', '=', latestTime).orderBy('version', 'desc').limit(1).executeTakeFirst();
}
