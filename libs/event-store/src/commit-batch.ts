import type { Database } from '@tag-history/database';
import { type Kysely, sql, type Transaction } from 'kysely';
import { APPENDED_CHANNEL } from './appended-channel';
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
    const versions = await lockStreams(trx, units.flat());

    const outcomes: UnitOutcome[] = units.map((unit) => {
      const stale = unit.find((a) => versions.get(a.streamId) !== a.expectedVersion);
      if (!stale) return { ok: true, events: [] };
      return { ok: false, error: new StreamConflictError(stale.streamId, stale.expectedVersion, versions.get(stale.streamId) ?? 0) };
    });
    if (guard) await runGuard(trx, units, outcomes, guard);
    const accepted = units.filter((_, i) => outcomes[i]!.ok).flat();
    if (accepted.length === 0) return outcomes;

    const recorded = await writeEvents(trx, accepted);
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

/**
 * Locks every stream of the batch and reads its version, in one statement.
 * A stream that expects no events yet is inserted as a version-0 row so it
 * can be locked like the others; a concurrent creator makes the insert wait
 * and then do nothing, and the stream is missing from the answer: a conflict.
 */
async function lockStreams(trx: Transaction<Database>, appends: SignedAppend[]): Promise<Map<string, number>> {
  const all = [...new Set(appends.map((a) => a.streamId))].sort();
  const fresh = [...new Set(appends.filter((a) => a.expectedVersion === 0).map((a) => a.streamId))].sort();
  const { rows } = await sql<{ stream_id: string; version: number }>`
    with inserted as (
      insert into streams (stream_id, version, last_hash, snapshot)
      select id, 0, null, 'null'::jsonb from unnest(${fresh}::text[]) as id order by id
      on conflict do nothing
      returning stream_id, version
    ), locked as (
      select stream_id, version from streams
      where stream_id = any(${all}::text[])
      order by stream_id
      for update
    )
    select * from inserted union all select * from locked`.execute(trx);
  return new Map(rows.map((r) => [r.stream_id, r.version]));
}

/**
 * Advances the streams, allocates positions, inserts the events and tells
 * the feed's listeners, in one statement. The log head row stays locked from
 * here to commit.
 */
async function writeEvents(trx: Transaction<Database>, appends: SignedAppend[]): Promise<RecordedEvent[][]> {
  const last = appends.map((a) => a.events[a.events.length - 1]!);
  const events = appends.flatMap((a) => a.events);
  const { rows } = await sql<{ first: number }>`
    with advanced as (
      update streams s
      set version = v.version, last_hash = v.last_hash, snapshot = v.snapshot
      from unnest(
        ${appends.map((a) => a.streamId)}::text[],
        ${last.map((e) => e.payload.version)}::int[],
        ${last.map((e) => e.hash)}::text[],
        ${appends.map((a) => JSON.stringify(a.snapshot))}::jsonb[]
      ) as v(stream_id, version, last_hash, snapshot)
      where s.stream_id = v.stream_id
    ), head as (
      update log_head set position = position + ${events.length} where id = 1 returning position
    ), inserted as (
      insert into events (position, stream_id, version, type, data, actor, recorded_at, jws, hash, prev_hash)
      select (select position from head) - ${events.length} + e.ord, e.stream_id, e.version, e.type, e.data, e.actor, e.recorded_at, e.jws, e.hash, e.prev_hash
      from unnest(
        ${events.map((e) => e.payload.stream)}::text[],
        ${events.map((e) => e.payload.version)}::int[],
        ${events.map((e) => e.payload.type)}::text[],
        ${events.map((e) => JSON.stringify(e.payload.data))}::jsonb[],
        ${events.map((e) => e.payload.actor)}::text[],
        ${events.map((e) => e.payload.time)}::timestamptz[],
        ${events.map((e) => e.jws)}::text[],
        ${events.map((e) => e.hash)}::text[],
        ${events.map((e) => e.payload.prev)}::text[]
      ) with ordinality as e(stream_id, version, type, data, actor, recorded_at, jws, hash, prev_hash, ord)
      returning position
    )
    -- Delivered at commit: a listener never hears of events it cannot read yet.
    select min(position) as first, pg_notify(${APPENDED_CHANNEL}, max(position)::text) from inserted`.execute(trx);
  const first = rows[0]!.first;
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
  let next = 0;
  return appends.map((a) => recorded.slice(next, (next += a.events.length)));
}
