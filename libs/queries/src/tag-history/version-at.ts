import type { Database } from '@tag-history/database';
import type { Kysely } from 'kysely';

/**
 * The last version of the tag recorded at or before `time` (strictly before
 * when `strict`), 0 when none. Every event opens an interval or closes one
 * (a deletion), so the last interval opened by then answers it in one index
 * probe. Times within a stream never decrease: each append is stamped after
 * it read the head it extends.
 */
export async function versionAt(db: Kysely<Database>, repository: string, tag: string, time: Date, strict: boolean): Promise<number> {
  const op = strict ? '<' : '<=';
  const row = await db
    .selectFrom('tag_history')
    .select(['version', 'to_version', 'to_time'])
    .where('repository', '=', repository)
    .where('tag', '=', tag)
    .where('from_time', op, time)
    .orderBy('from_time', 'desc')
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!row) return 0;
  const closedBy = row.to_time !== null && (strict ? row.to_time < time : row.to_time <= time);
  return closedBy ? row.to_version! : row.version;
}
