import type { Database, TagHistoryTable } from '@tag-history/database';
import type { Kysely } from 'kysely';
import { lastOpened } from './last-opened';
import type { PointInTime } from './point-in-time';

/** The interval that contains the point, if the tag existed then. */
export async function intervalAt(db: Kysely<Database>, repository: string, tag: string, point: PointInTime): Promise<TagHistoryTable | undefined> {
  const row = await lastOpened(db, repository, tag, point);
  if (!row) return undefined;
  const closed = 'time' in point ? row.to_time !== null && row.to_time <= point.time : row.to_position !== null && row.to_position <= point.position;
  return closed ? undefined : row;
}
