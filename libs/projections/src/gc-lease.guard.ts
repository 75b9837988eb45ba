import { type ManifestRef, type PinEvent, referencedBy, TagHistoryError, type TagEvent } from '@tag-history/domain';
import type { Guard } from '@tag-history/event-store';
import { sql } from 'kysely';
import { isPinEvent } from './gc-events';
import { isTagEvent } from './tag-events';

interface Reference extends ManifestRef {
  time: string;
}

/**
 * Refuses a unit whose events would make a leased manifest referenced (a
 * create, move, restore or pin onto it) while the lease lasts, so that a
 * sweep never deletes what a tag points at. Other units of the batch commit.
 */
export const gcLeaseGuard: Guard = async (trx, units) => {
  const references = units.map((unit) =>
    unit.flatMap((append) =>
      append.events.flatMap(({ payload }): Reference[] => {
        if (!isTagEvent(payload) && !isPinEvent(payload)) return [];
        const ref = referencedBy({ type: payload.type, data: payload.data } as TagEvent | PinEvent);
        return ref ? [{ ...ref, time: payload.time }] : [];
      }),
    ),
  );
  const all = references.flat();
  if (all.length === 0) return units.map(() => undefined);
  const { rows } = await sql<{ repository: string; digest: string; sweep_id: string; lease_until: Date }>`
    select distinct l.repository, l.digest, l.sweep_id, l.lease_until
    from gc_leases l
    join unnest(${all.map((r) => r.repository)}::text[], ${all.map((r) => r.digest)}::text[], ${all.map((r) => r.time)}::timestamptz[])
      as r(repository, digest, at)
      on l.repository = r.repository and l.digest = r.digest and l.lease_until > r.at`.execute(trx);
  if (rows.length === 0) return units.map(() => undefined);
  const leased = new Map(rows.map((row) => [`${row.repository}@${row.digest}`, row]));
  return references.map((refs) => {
    const hit = refs.map((r) => leased.get(`${r.repository}@${r.digest}`)).find((l) => l !== undefined);
    if (!hit) return undefined;
    return new TagHistoryError('MANIFEST_BEING_DELETED', `${hit.repository}@${hit.digest} is being deleted by a garbage-collection sweep`, {
      name: hit.repository,
      digest: hit.digest,
      sweep: hit.sweep_id,
      leaseUntil: new Date(hit.lease_until).toISOString(),
    });
  });
};
