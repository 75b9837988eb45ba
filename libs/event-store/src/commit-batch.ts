import type { Database } from '@tag-history/database';
import { type Kysely, sql, type Transaction } from 'kysely';
import type { Guard } from './guard';
import type { Projector } from './projector';
import type { RecordedEvent } from './recorded-event';
import type { SignedAppend, Unit } from './signed-append';
import { StreamConflictError } from './stream-conflict-error';

export type UnitOutcome = { ok: true; events: RecordedEvent[][] } | { ok: false; error: Error };

/**
 * Commits many independent units in one transaction (group commit): one
 * fsync and a handful of statements for the whole batch instead of per event.
 * A unit whose expected versions are stale is left out; the others commit.
 *
 * Lock order is fixed to avoid deadlocks between instances: stream rows in
 * stream-id order, then the log head. The log head row is held from position
 * allocation to commit, so positions are allocated in commit order and a
 * reader that has seen position p will never later see a smaller one.
 */
export async function commitBatch(db: Kysely<Database>, units: Unit[], project: Projector, guard?: Guard): Promise<UnitOutcome[]> {
  return db.transaction().execute(async (trx) => {
    const appends = units.flat();
    const streamIds = [...new Set(appends.map((a) => a.streamId))].sort();
    const versions = await lockStreams(trx, streamIds);

    const outcomes: UnitOutcome[] = units.map((unit) => {
      const stale = unit.find((a) => versions.get(a.streamId) !== a.expectedVersion);
      if (!stale) return { ok: true, events: [] };
      return { ok: false, error: new StreamConflictError(stale.streamId, stale.expectedVersion, versions.get(stale.streamId) ?? 0) };
    });
    if (guard) await runGuard(trx, units, outcomes, guard);
    const accepted = units.filter((_, i) => outcomes[i]!.ok).flat();
    if (accepted.length === 0) return outcomes;

    await advanceStreams(trx, accepted);
    const recorded = await insertEvents(trx, accepted);
    await project(trx, recorded.flat());

    let next = 0;
    units.forEach((unit, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) outcome.events = recorded.slice(next, (next += unit.length));
    });
    return outcomes;
  });
}

// The guard runs under the log head lock, so what it checks cannot change
// before this batch commits: every other writer waits for the same lock.
async function runGuard(trx: Transaction<Database>, units: Unit[], outcomes: UnitOutcome[], guard: Guard): Promise<void> {
  const candidates = units.flatMap((_, i) => (outcomes[i]!.ok ? [i] : []));
  if (candidates.length === 0) return;
  await sql`select position from log_head where id = 1 for update`.execute(trx);
  const refusals = await guard(trx, candidates.map((i) => units[i]!));
  refusals.forEach((error, k) => {
    if (error) outcomes[candidates[k]!] = { ok: false, error };
  });
}

async function lockStreams(trx: Transaction<Database>, streamIds: string[]): Promise<Map<string, number>> {
  // A version-0 row stands for "no events yet" so that new streams can be locked like the rest.
  await sql`
    insert into streams (stream_id, version, last_hash, snapshot)
    select id, 0, null, 'null'::jsonb from unnest(${streamIds}::text[]) as id order by id
    on conflict do nothing`.execute(trx);
  const { rows } = await sql<{ stream_id: string; version: number }>`
    select stream_id, version from streams
    where stream_id = any(${streamIds}::text[])
    order by stream_id
    for update`.execute(trx);
  return new Map(rows.map((r) => [r.stream_id, r.version]));
}

async function advanceStreams(trx: Transaction<Database>, appends: SignedAppend[]): Promise<void> {
  const last = appends.map((a) => a.events[a.events.length - 1]!);
  await sql`
    update streams s
    set version = v.version, last_hash = v.last_hash, snapshot = v.snapshot
    from unnest(
      ${appends.map((a) => a.streamId)}::text[],
      ${last.map((e) => e.payload.version)}::int[],
      ${last.map((e) => e.hash)}::text[],
      ${appends.map((a) => JSON.stringify(a.snapshot))}::jsonb[]
    ) as v(stream_id, version, last_hash, snapshot)
    where s.stream_id = v.stream_id`.execute(trx);
}

async function insertEvents(trx: Transaction<Database>, appends: SignedAppend[]): Promise<RecordedEvent[][]> {
  const events = appends.flatMap((a) => a.events);
  const { rows } = await sql<{ position: number }>`
    update log_head set position = position + ${events.length} where id = 1 returning position`.execute(trx);
  const first = rows[0]!.position - events.length + 1;
  const recorded: RecordedEvent[] = events.map(({ payload, jws, hash }, i) => ({
    position: first + i,
    streamId: payload.stream,
    version: payload.version,
    type: payload.type,
    data: payload.data,
    actor: payload.actor,
    recordedAt: new Date(payload.time),
    jws,
    hash,
    prevHash: payload.prev,
  }));
  await sql`
    insert into events (position, stream_id, version, type, data, actor, recorded_at, jws, hash, prev_hash)
    select * from unnest(
      ${recorded.map((e) => e.position)}::bigint[],
      ${recorded.map((e) => e.streamId)}::text[],
      ${recorded.map((e) => e.version)}::int[],
      ${recorded.map((e) => e.type)}::text[],
      ${recorded.map((e) => JSON.stringify(e.data))}::jsonb[],
      ${recorded.map((e) => e.actor)}::text[],
      ${events.map((e) => e.payload.time)}::timestamptz[],
      ${recorded.map((e) => e.jws)}::text[],
      ${recorded.map((e) => e.hash)}::text[],
      ${recorded.map((e) => e.prevHash)}::text[]
    )`.execute(trx);

  let next = 0;
  return appends.map((a) => recorded.slice(next, (next += a.events.length)));
}
