import type { Database } from '@tag-history/database';
import { targetAfter } from '@tag-history/domain';
import { sql, type Transaction } from 'kysely';
import type { RecordedTagEvent } from './tag-events';

interface Interval {
  event: RecordedTagEvent;
  closedBy?: RecordedTagEvent;
}

/**
 * `tag_history`: every event closes the tag's open interval (if any) and,
 * unless it deletes the tag, opens a new one. Intervals opened and closed in
 * the same batch are inserted closed; only an interval from an earlier batch
 * needs an update. The open interval, if any, is the one the previous event
 * opened (version - 1; none when that was a deletion): a primary-key probe,
 * where "the tag's interval with no end" would scan the tag's whole history.
 */
export async function projectTagHistory(trx: Transaction<Database>, events: RecordedTagEvent[]): Promise<void> {
  const open = new Map<string, Interval>();
  const opened: Interval[] = [];
  const closedEarlier: RecordedTagEvent[] = [];
  for (const event of events) {
    const current = open.get(event.streamId);
    if (current) current.closedBy = event;
    else closedEarlier.push(event);
    if (targetAfter(event) === null) {
      open.delete(event.streamId);
    } else {
      const interval = { event };
      open.set(event.streamId, interval);
      opened.push(interval);
    }
  }

  const target = (i: Interval) => targetAfter(i.event)!;
  // One statement: the intervals closed here were opened by earlier batches,
  // so they are never the rows inserted here.
  await sql`
    with closed as (
      update tag_history h
      set to_version = c.version, to_position = c.position, to_time = c.at, to_actor = c.actor
      from unnest(
        ${closedEarlier.map((e) => e.data.repository)}::text[],
        ${closedEarlier.map((e) => e.data.tag)}::text[],
        ${closedEarlier.map((e) => e.version)}::int[],
        ${closedEarlier.map((e) => e.position)}::bigint[],
        ${closedEarlier.map((e) => e.recordedAt.toISOString())}::timestamptz[],
        ${closedEarlier.map((e) => e.actor)}::text[]
      ) as c(repository, tag, version, position, at, actor)
      where h.repository = c.repository and h.tag = c.tag and h.version = c.version - 1 and h.to_version is null
    )
    insert into tag_history (repository, tag, version, media_type, size, digest, from_position, from_time, from_actor,
                             to_version, to_position, to_time, to_actor)
    select * from unnest(
      ${opened.map((i) => i.event.data.repository)}::text[],
      ${opened.map((i) => i.event.data.tag)}::text[],
      ${opened.map((i) => i.event.version)}::int[],
      ${opened.map((i) => target(i).mediaType)}::text[],
      ${opened.map((i) => target(i).size)}::bigint[],
      ${opened.map((i) => target(i).digest)}::text[],
      ${opened.map((i) => i.event.position)}::bigint[],
      ${opened.map((i) => i.event.recordedAt.toISOString())}::timestamptz[],
      ${opened.map((i) => i.event.actor)}::text[],
      ${opened.map((i) => i.closedBy?.version ?? null)}::int[],
      ${opened.map((i) => i.closedBy?.position ?? null)}::bigint[],
      ${opened.map((i) => i.closedBy?.recordedAt.toISOString() ?? null)}::timestamptz[],
      ${opened.map((i) => i.closedBy?.actor ?? null)}::text[]
    )`.execute(trx);
}
