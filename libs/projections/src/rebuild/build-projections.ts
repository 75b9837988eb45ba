import type { Database } from '@tag-history/database';
import { sql, type Transaction } from 'kysely';
import { projectEvents } from '../project-events';
import { PROJECTION_TABLES } from './projection-tables';

/** Where rebuilt projections are built before they are swapped in or compared; it only exists inside the transaction. */
export const REBUILD_SCHEMA = 'projection_rebuild';
// Big pages: a tag moved in every page costs an update of `tags` and of its open interval per page. Bounded so
// that a page's sorts stay in work_mem (below).
const PAGE = 100_000;
// What no projection reads: the signature and the chain. The replay reads the log through a view without them.
const UNPROJECTED = ['jws', 'hash', 'prev_hash'];
// One rebuild or check at a time, across instances: the lock is the transaction's and goes with it if the process dies.
const LOCK_KEY = 7_370_003;

/** The projections as they stood at the archive boundary (the CLI's archive-partition): where a rebuild starts. */
export const ARCHIVE_SCHEMA = 'log_archive_projections';

/** Events replayed so far, of the log's length now (it grows while writers go on). */
export type ReplayProgress = (replayed: number, head: number) => void;

export interface BuildOptions {
  /** Events projected per statement; smaller pages only to test the paging. */
  pageSize?: number;
  onProgress?: ReplayProgress;
  /** Stop at this position instead of catching up with the head (the archive's snapshot; no lock on the head). */
  until?: number;
}

export interface BuildResult {
  events: number;
  position: number;
}

/**
 * Replays the whole log through the live projection function into empty
 * copies of the projection tables in REBUILD_SCHEMA: `search_path` puts that
 * schema first, so the projections' unqualified table names land there. The
 * log is read in big pages while writers go on; the last pages are read with
 * the log head locked, so the result matches the live projections at that
 * position, and writers wait until the transaction ends.
 */
export async function buildProjections(trx: Transaction<Database>, { pageSize: page = PAGE, onProgress, until }: BuildOptions = {}): Promise<BuildResult> {
  const { rows } = await sql<{ locked: boolean }>`select pg_try_advisory_xact_lock(${LOCK_KEY}) as locked`.execute(trx);
  if (!rows[0]!.locked) throw new Error('another projection rebuild or check is running');
  await sql`drop schema if exists ${sql.id(REBUILD_SCHEMA)} cascade`.execute(trx);
  await sql`create schema ${sql.id(REBUILD_SCHEMA)}`.execute(trx);
  for (const table of PROJECTION_TABLES) await createEmptyCopy(trx, table);
  const archived = await fromArchive(trx);
  await createNarrowEvents(trx);
  await sql`select set_config('search_path', ${`${REBUILD_SCHEMA}, public`}, true)`.execute(trx);
  // A page's sorts (last event per tag, intervals per tag) in memory rather than in temporary files.
  await sql`set local work_mem = '128MB'`.execute(trx);
  // An operator's job, not a request: its pages may take longer than a request's statement may (connect.ts).
  await sql`set local statement_timeout = 0`.execute(trx);

  let position = archived;
  for (let caughtUp = false; ;) {
    // Positions are dense: the committed log head says where the log ends.
    const { rows: head } = await sql<{
      last: number;
      head: number;
    }>`select least(position, ${position + page}, ${until ?? null}::bigint) as last, position as head from public.log_head where id = 1`.execute(trx);
    const last = Number(head[0]!.last);
    if (last > position) await projectEvents(trx, position, last);
    onProgress?.(Number(last), Number(head[0]!.head));
    const full = last - position === page;
    position = last;
    if (!full) {
      if (caughtUp || position === until) return { events: position - archived, position };
      await sql`select position from public.log_head where id = 1 for update`.execute(trx);
      caughtUp = true;
    }
  }
}

/**
 * Fills the empty copies with the projections at the archive boundary, when
 * part of the log was archived; answers the boundary (0 when nothing was).
 */
async function fromArchive(trx: Transaction<Database>): Promise<number> {
  const { rows } = await sql<{ position: number | null }>`select max(last_position) as position from public.log_archive`.execute(trx);
  const boundary = Number(rows[0]!.position ?? 0);
  if (boundary === 0) return 0;
  const { rows: at } = await sql<{ position: number }>`select position from ${sql.id(ARCHIVE_SCHEMA, 'snapshot')}`.execute(trx);
  if (Number(at[0]?.position) !== boundary) throw new Error(`the projections archived at ${at[0]?.position} are not those of the boundary ${boundary}`);
  for (const table of PROJECTION_TABLES) {
    await sql`insert into ${sql.id(REBUILD_SCHEMA, table)} select * from ${sql.id(ARCHIVE_SCHEMA, table)}`.execute(trx);
  }
  return boundary;
}

/**
 * Keeps the projections as they stand at `position` (the end of a segment
 * about to be detached) as ARCHIVE_SCHEMA, replacing the previous snapshot:
 * replayed from that one, inside the caller's transaction, so that the
 * snapshot and the archive's record commit together.
 */
export async function snapshotProjections(trx: Transaction<Database>, position: number, options: Omit<BuildOptions, 'until'> = {}): Promise<void> {
  await buildProjections(trx, { ...options, until: position });
  await sql`select set_config('search_path', 'public', true)`.execute(trx);
  await sql`drop view ${sql.id(REBUILD_SCHEMA, 'events')}`.execute(trx);
  await sql`create table ${sql.id(REBUILD_SCHEMA, 'snapshot')} (position bigint not null)`.execute(trx);
  await sql`insert into ${sql.id(REBUILD_SCHEMA, 'snapshot')} values (${position})`.execute(trx);
  await sql`drop schema if exists ${sql.id(ARCHIVE_SCHEMA)} cascade`.execute(trx);
  await sql`alter schema ${sql.id(REBUILD_SCHEMA)} rename to ${sql.id(ARCHIVE_SCHEMA)}`.execute(trx);
}

/**
 * `events` as the projection function reads it (unqualified, so through
 * search_path), without the columns no projection needs: its statements take
 * `e.*` of a page's events into sorts and window functions, and the JWS is
 * most of each row's bytes.
 */
async function createNarrowEvents(trx: Transaction<Database>): Promise<void> {
  const { rows } = await sql<{ name: string }>`
    select attname as name from pg_attribute
    where attrelid = 'public.events'::regclass and attnum > 0 and not attisdropped and not (attname = any(${UNPROJECTED}))
    order by attnum`.execute(trx);
  await sql`create view ${sql.id(REBUILD_SCHEMA, 'events')} as select ${sql.join(rows.map((r) => sql.id(r.name)))} from public.events`.execute(trx);
}

/**
 * Same columns, checks and keys (with their names) as the live table, but
 * none of its other indexes: the projections need only the keys (upserts,
 * closing intervals), and maintaining every index row by row made the replay
 * several times slower. A rebuild builds them once at the end.
 */
async function createEmptyCopy(trx: Transaction<Database>, table: string): Promise<void> {
  const copy = sql.id(REBUILD_SCHEMA, table);
  await sql`create table ${copy} (like ${sql.id('public', table)} including all excluding indexes)`.execute(trx);
  const { rows } = await sql<{ name: string; definition: string }>`
    select conname as name, pg_get_constraintdef(oid) as definition from pg_constraint
    where conrelid = ${`public.${table}`}::regclass and contype in ('p', 'u')`.execute(trx);
  for (const { name, definition } of rows) await sql`alter table ${copy} add constraint ${sql.id(name)} ${sql.raw(definition)}`.execute(trx);
}

/** Gives the rebuilt table the live table's other indexes, with the same names and definitions. */
export async function copyIndexes(trx: Transaction<Database>, table: string): Promise<void> {
  const { rows } = await sql<{ definition: string }>`
    select pg_get_indexdef(i.indexrelid) as definition from pg_index i
    where i.indrelid = ${`public.${table}`}::regclass
      and not exists (select 1 from pg_constraint c where c.conindid = i.indexrelid)`.execute(trx);
  for (const { definition } of rows) {
    await sql.raw(definition.replace(` ON public.${table} `, ` ON ${REBUILD_SCHEMA}.${table} `)).execute(trx);
  }
}

/**
 * Gives the rebuilt table the live table's storage parameters, which LIKE does
 * not copy (tag_history's fillfactor, migration 0017), once it is filled: the
 * replayed rows are packed (a replay closes them, nothing updates them again),
 * and only the pages filled from then on keep room for closes.
 */
export async function copyStorageParameters(trx: Transaction<Database>, table: string): Promise<void> {
  const { rows } = await sql<{ options: string[] | null }>`select reloptions as options from pg_class where oid = ${`public.${table}`}::regclass`.execute(trx);
  const options = rows[0]?.options;
  if (options) await sql`alter table ${sql.id(REBUILD_SCHEMA, table)} set (${sql.raw(options.join(', '))})`.execute(trx);
}
