import type { EventsTable } from '@tag-history/database';
import type { Selectable } from 'kysely';
import { type TagEvent, type TagProvenance, type Target, targetAfter } from '@tag-history/domain';

/** One event of a tag's history, with the JWS that signs it so a client can check it against the JWKS alone. */
export interface TagEventView {
  version: number;
  position: number;
  type: TagEvent['type'];
  /** Where the tag pointed before the event; null when it did not exist. */
  previous: Target | null;
  /** Where it points after; null for a deletion. */
  target: Target | null;
  restoredVersion?: number;
  actor: string;
  /** Where a change seen in an upstream registry came from; absent for this service's own API writes. */
  provenance?: TagProvenance;
  time: string;
  /** Compact JWS; its payload is the whole event as signed. */
  jws: string;
}

type EventRow = Pick<Selectable<EventsTable>, 'version' | 'position' | 'type' | 'data' | 'actor' | 'recorded_at' | 'jws'>;

export function toTagEventView(row: EventRow): TagEventView {
  const event = { type: row.type, data: row.data } as unknown as TagEvent;
  const data = row.data as { from?: Target | null; restoredVersion?: number; provenance?: TagProvenance };
  return {
    version: row.version,
    position: row.position,
    type: event.type,
    previous: data.from ?? null,
    target: targetAfter(event),
    ...(data.restoredVersion !== undefined ? { restoredVersion: data.restoredVersion } : {}),
    actor: row.actor,
    ...(data.provenance !== undefined ? { provenance: data.provenance } : {}),
    time: row.recorded_at.toISOString(),
    jws: row.jws,
  };
}
