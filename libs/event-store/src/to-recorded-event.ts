import type { EventsTable } from '@tag-history/database';
import type { Selectable } from 'kysely';
import type { RecordedEvent } from '@tag-history/signing';

export type EventRow = Selectable<EventsTable>;

/** An `events` row as the rest of the code sees an event. */
export function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    position: row.position,
    streamId: row.stream_id,
    version: row.version,
    type: row.type,
    data: row.data,
    actor: row.actor,
    recordedAt: row.recorded_at,
    jws: row.jws,
    hash: row.hash,
    prevHash: row.prev_hash,
  };
}
