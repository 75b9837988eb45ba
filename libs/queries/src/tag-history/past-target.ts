import type { Database } from '@tag-history/database';
import type { Target } from '@tag-history/domain';
import type { Kysely } from 'kysely';
import { targetOf } from './interval-view';

export interface PastTarget {
  version: number;
  target: Target;
}

/** Where the tag pointed once it reached `version`; undefined when it did not exist then. Reads the primary key. */
export async function targetAtVersion(db: Kysely<Database>, repository: string, tag: string, version: number): Promise<PastTarget | undefined> {
  const row = await db
    .selectFrom('tag_history')
    .select(['version', 'to_version', 'media_type', 'size', 'digest'])
    .where('repository', '=', repository)
    .where('tag', '=', tag)
    .where('version', '<=', version)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  if (!row || (row.to_version !== null && row.to_version <= version)) return undefined;
  return { version, target: targetOf(row) };
}

/** The latest interval in which the tag pointed at `digest`; undefined when it never did. */
export async function lastTargetWithDigest(db: Kysely<Database>, repository: string, tag: string, digest: string): Promise<PastTarget | undefined> {
  const row = await db
    .selectFrom('tag_history')
    .select(['version', 'media_type', 'size', 'digest'])
    .where('repository', '=', repository)
    .where('digest', '=', digest)
    .where('tag', '=', tag)
    .orderBy('version', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row && { version: row.version, target: targetOf(row) };
}
