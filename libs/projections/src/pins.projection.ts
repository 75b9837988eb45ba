import type { Database } from '@tag-history/database';
import { sql, type Transaction } from 'kysely';
import type { RecordedPinEvent } from './gc-events';

/** `pins`: one row per manifest pinned now, with the reason and who pinned it. */
export async function projectPins(trx: Transaction<Database>, events: RecordedPinEvent[]): Promise<void> {
  const latest = new Map<string, RecordedPinEvent>();
  for (const event of events) latest.set(event.streamId, event);
  const last = [...latest.values()];
  const pinned = last.filter((e) => e.type === 'ManifestPinned');
  const unpinned = last.filter((e) => e.type === 'ManifestUnpinned');
  if (pinned.length > 0) {
    await sql`
      insert into pins (repository, digest, reason, pinned_by, pinned_at, position)
      select * from unnest(
        ${pinned.map((e) => e.data.repository)}::text[],
        ${pinned.map((e) => e.data.digest)}::text[],
        ${pinned.map((e) => e.data.reason)}::text[],
        ${pinned.map((e) => e.actor)}::text[],
        ${pinned.map((e) => e.recordedAt.toISOString())}::timestamptz[],
        ${pinned.map((e) => e.position)}::bigint[]
      )
      on conflict (repository, digest) do update set
        reason = excluded.reason, pinned_by = excluded.pinned_by, pinned_at = excluded.pinned_at, position = excluded.position`.execute(trx);
  }
  if (unpinned.length > 0) {
    await sql`
      delete from pins p
      using unnest(${unpinned.map((e) => e.data.repository)}::text[], ${unpinned.map((e) => e.data.digest)}::text[]) as u(repository, digest)
      where p.repository = u.repository and p.digest = u.digest`.execute(trx);
  }
}
