import type { Database } from '@tag-history/database';
import { tagEventJson } from '@tag-history/queries';
import type { Kysely } from 'kysely';
import { versionBound } from './version-bound';

/**
 * The history page's one select: `limit` events of a stream newest first, by
 * a backward range scan of the (stream_id, version) index, each as its JSON
 * text (see tagEventJson). The JSON route's handler and its fast path
 * (fast-history.ts) run this same statement.
 */
export function tagEventsJsonSelect(db: Kysely<Database>, streamId: string, limit: number, belowVersion?: number) {
  let query = db
    .selectFrom('events')
    .select(['version', tagEventJson.as('json')])
    .where('stream_id', '=', streamId);
  const below = versionBound(belowVersion);
  if (below !== undefined) query = query.where('version', '<', below);
  return query.orderBy('version', 'desc').limit(limit);
}
