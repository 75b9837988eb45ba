import type { Database } from '@tag-history/database';
import type { Kysely } from 'kysely';
import { lastOpened } from './last-opened';

/**
 * The last version of the tag recorded at or before `time` (strictly before
 * when `strict`), 0 when none. Every event opens an interval or, deleting the
 * tag, closes one, so the last interval opened by then answers it. Times
 * within a stream never decrease: each append is stamped after it read the
 * head it extends.
 */
export async function versionAt(db: Kysely<Database>, repository: string, tag: string, time: Date, strict: boolean): Promise<number> {
  const row = await lastOpened(db, repository, tag, { time }, strict);
  if (!row) return 0;
  const closedBy = row.to_time !== null && (strict ? row.to_time < time : row.to_time <= time);
  return closedBy ? row.to_version! : row.version;
}
