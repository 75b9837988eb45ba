import type { Database } from '@tag-history/database';
import { sql, type Transaction } from 'kysely';
import { projectEvents } from '../project-events';
import { bulkProjections, type Start } from './bulk-projections';
import { PROJECTION_TABLES } from './projection-tables';
import { copyIndexes, copyKeys, createEmptyCopy, copyStorageParameters } from './table-copies';

/** Where rebuilt projections are built before they are swapped in or compared; it only exists inside the transaction. */
export const REBUILD_SCHEMA = 'projection_rebuild';
// One rebuild or check at a time, across instances: the lock is the transaction's and goes with it if the process dies.
const LOCK_KEY = 7_370_003;

/** The projections as they stood at the archive boundary (the CLI's archive-partition): where a rebuild starts. */
export const ARCHIVE_SCHEMA = 'log_archive_projections';

/** Events projected so far, of the log's length now (it grows while writers go on). */
export type ReplayProgress = (replayed: number, head: number) => void;

export interface BuildOptions {
  onProgress?: ReplayProgress;
  /** Stop at this position instead of catching up with the head (the archive's snapshot; no lock on the head). */
  until?: number;
  /**
   * Build set-based only up to this position and project the rest event
   * range by event range as appends do, as happens to what writers append
   * during a rebuild; only to test that seam.
   */
  bulkUntil?: number;
  /** Give the tables all of the live tables' indexes (before the head is locked), not only their keys. */
  indexes?: boolean;
}

export interface BuildResult {
  events: number;
  position: number;
}

/**
 * Builds every projection afresh in REBUILD_SCHEMA, from the archive boundary
 * (or the start of the log) to the log head. Up to the head as it stands at
 * the start, set-based (bulkProjections: one statement a table, keys and
 * indexes built after the rows), while writers go on; then, with the log head
 * locked (writers wait until the transaction ends), the events appended
 * meanwhile through the live projection function, as appends project them:
 * `search_path` puts the rebuild schema first, so the function's unqualified
 * table names land there. The result is the projections at that position.
 */
export async function buildProjections(trx: Transaction<Database>, { onProgress, until, bulkUntil, indexes = false }: BuildOptions = {}): Promise<BuildResult> {
  const { rows } = await sql<{ locked: boolean }>`select pg_try_advisory_xact_lock(${LOCK_KEY}) as locked`.execute(trx);
  if (!rows[0]!.locked) throw new Error('another projection rebuild or check is running');
  await sql`drop schema if exists ${sql.id(REBUILD_SCHEMA)} cascade`.execute(trx);
  await sql`create schema ${sql.id(REBUILD_SCHEMA)}`.execute(trx);
  for (const table of PROJECTION_TABLES) await createEmptyCopy(trx, REBUILD_SCHEMA, table);
  // The hash of a million events' next versions and the sorts of the index builds in memory rather than in temporary files.
  await sql`set local work_mem = '128MB'`.execute(trx);
  await sql`set local maintenance_work_mem = '256MB'`.execute(trx);
  // An operator's job, not a request: its statements may take longer than a request's may (connect.ts).
  await sql`set local statement_timeout = 0`.execute(trx);

  const start = await archiveBoundary(trx);
  // Positions are dense and committed with the head: every event up to the committed head is there to read.
  const head = async (lock: boolean) => {
    const { rows: at } = await sql<{ position: number }>`select position from public.log_head where id = 1 ${lock ? sql`for update` : sql``}`.execute(trx);
    return Number(at[0]!.position);
  };
  const first = await head(false);
  const bulk = Math.max(start.position, Math.min(first, until ?? first, bulkUntil ?? first));
  await bulkProjections(trx, REBUILD_SCHEMA, start, bulk);
  for (const table of PROJECTION_TABLES) {
    await copyKeys(trx, REBUILD_SCHEMA, table);
    if (indexes) await copyIndexes(trx, REBUILD_SCHEMA, table);
    await copyStorageParameters(trx, REBUILD_SCHEMA, table);
  }
  await sql`select set_config('search_path', ${`${REBUILD_SCHEMA}, public`}, true)`.execute(trx);
  await replaySweeps(trx, start.position, bulk);
  onProgress?.(bulk, first);

  const last = until !== undefined && bulk === until ? until : Math.min(await head(true), until ?? Number.MAX_SAFE_INTEGER);
  if (last > bulk) await projectEvents(trx, bulk, last);
  onProgress?.(last, last);
  return { events: last - start.position, position: last };
}

/** The archive boundary and the projections kept there, when part of the log was archived. */
async function archiveBoundary(trx: Transaction<Database>): Promise<Start> {
  const { rows } = await sql<{ position: number | null }>`select max(last_position) as position from public.log_archive`.execute(trx);
  const boundary = Number(rows[0]!.position ?? 0);
  if (boundary === 0) return { position: 0, schema: null };
  const { rows: at } = await sql<{ position: number }>`select position from ${sql.id(ARCHIVE_SCHEMA, 'snapshot')}`.execute(trx);
  if (Number(at[0]?.position) !== boundary) throw new Error(`the projections archived at ${at[0]?.position} are not those of the boundary ${boundary}`);
  return { position: boundary, schema: ARCHIVE_SCHEMA };
}

/**
 * The GC leases of the sweeps in (after, last], one event at a time through
 * the live projection function, in log order: whether a lease outlives the
 * next sweep's start depends on that start's time, which no one statement over
 * all sweeps states as simply. Sweeps are a few events of a log; the other
 * projections ignore them.
 */
async function replaySweeps(trx: Transaction<Database>, after: number, last: number): Promise<void> {
  // One row a sweep, each projected as its row comes out of the sort: in log order.
  await sql`
    select tag_history_project(position - 1, position) from (
      select position from public.events
      where position > ${after}::bigint and position <= ${last}::bigint and type in ('GcSweepStarted', 'GcSweepExtended', 'GcSweepClosed')
      order by position offset 0
    ) sweep`.execute(trx);
}

/**
 * Keeps the projections as they stand at `position` (the end of a segment
 * about to be detached) as ARCHIVE_SCHEMA, replacing the previous snapshot:
 * built from that one, inside the caller's transaction, so that the
 * snapshot and the archive's record commit together.
 */
export async function snapshotProjections(trx: Transaction<Database>, position: number, options: Omit<BuildOptions, 'until'> = {}): Promise<void> {
  await buildProjections(trx, { ...options, until: position });
  await sql`select set_config('search_path', 'public', true)`.execute(trx);
  await sql`create table ${sql.id(REBUILD_SCHEMA, 'snapshot')} (position bigint not null)`.execute(trx);
  await sql`insert into ${sql.id(REBUILD_SCHEMA, 'snapshot')} values (${position})`.execute(trx);
  await sql`drop schema if exists ${sql.id(ARCHIVE_SCHEMA)} cascade`.execute(trx);
  await sql`alter schema ${sql.id(REBUILD_SCHEMA)} rename to ${sql.id(ARCHIVE_SCHEMA)}`.execute(trx);
}
