import type { Database, TagHistoryTable } from '@tag-history/database';
import type { Kysely } from 'kysely';
import type { PointInTime } from './point-in-time';

/**
 * The interval that contains the point, if the tag existed then. One index
 * probe (tag_history_at_time or tag_history_at_position) whatever the length
 * of the history: the last interval opened at or before the point.
 */
export async function intervalAt(db: Kysely<Database>, repository: string, tag: string, point: PointInTime): Promise<TagHistoryTable | undefined> {
  const base = db.selectFrom('tag_history').selectAll().where('repository', '=', repository).where('tag', '=', tag);
  const row =
    'time' in point
      ? await base.where('from_time', '<=', point.time).orderBy('from_time', 'desc').orderBy('version', 'desc').limit(1).executeTakeFirst()
      : await base.where('from_position', '<=', point.position).orderBy('from_position', 'desc').limit(1).executeTakeFirst();
  if (!row) return undefined;
  const closed = 'time' in point ? row.to_time !== null && row.to_time <= point.time : row.to_position !== null && row.to_position <= point.position;
  return closed ? undefined : row;
}
