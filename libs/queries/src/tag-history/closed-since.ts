import { type RawBuilder, sql } from 'kysely';

/**
 * The intervals closed after `since` (an ISO time), as rows of
 * (repository, digest, to_time), each through an index: no index holds
 * `to_time` itself, so that closing an interval stays a HOT update
 * (migration 0019).
 *
 * - Closed by a move: the interval the move opened starts when the closed one
 *   ends (`from_time` = `to_time`, both the event's time), and a tag's next
 *   version closes its previous one, found by primary key.
 * - Closed by a delete: a delete opens nothing, so those come from the log's
 *   `TagDeleted` events by time (`events_deleted_at`).
 * - Deletes whose partition was archived are no longer in the log; only an
 *   archive made after `since` can hold one (an event is archived after it was
 *   recorded), and only then are the intervals closed before the boundary
 *   scanned.
 */
export function closedSince(since: string): RawBuilder<{ repository: string; digest: string; to_time: Date }> {
  return sql`
    (select h.repository, h.digest, h.to_time
    from tag_history n
    join tag_history h on h.repository = n.repository and h.tag = n.tag and h.version = n.version - 1
    where n.from_time > ${since}::timestamptz
    union all
    select h.repository, h.digest, h.to_time
    from events d
    join tag_history h on h.repository = d.data->>'repository' and h.tag = d.data->>'tag' and h.version = d.version - 1
    where d.type = 'TagDeleted' and d.recorded_at > ${since}::timestamptz
    union all
    select h.repository, h.digest, h.to_time
    from tag_history h
    where exists (select 1 from log_archive a where a.archived_at > ${since}::timestamptz)
      and h.to_time > ${since}::timestamptz
      and h.to_position <= (select max(a.last_position) from log_archive a)
      and not exists (select 1 from tag_history n where n.repository = h.repository and n.tag = h.tag and n.version = h.version + 1))`;
}
