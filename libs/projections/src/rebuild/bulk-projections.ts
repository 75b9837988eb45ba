import type { Database } from '@tag-history/database';
import { type RawBuilder, sql, type Transaction } from 'kysely';

/** Where the log's projection starts: the archive boundary, and the projections as they stood there (none before any archive). */
export interface Start {
  position: number;
  schema: string | null;
}

/**
 * Fills empty, unindexed projection tables in `into` with what
 * `tag_history_project` (migrations 0006, 0010) makes of the events at
 * positions (start, last], starting from the projections at `start`: one
 * INSERT ... SELECT a table instead of a statement a page of events and an
 * index entry a row. The rules are those of the projection function, each
 * stated over the whole range at once: a table's row is what the last event
 * of its stream says, an interval is closed by the next version of its tag.
 * Only `gc_leases` is left as the start had it: a lease's life depends on the
 * times of the sweeps after it, and the caller replays the few sweep events
 * through the projection function itself. check-projections compares all of
 * it with what the live appends made, row for row.
 */
export async function bulkProjections(trx: Transaction<Database>, into: string, start: Start, last: number): Promise<void> {
  const statements = [repositories, tagHistory, tags, tagExpiry, pins, policies, ...(start.schema === null ? [] : [gcLeases])];
  for (const statement of statements) {
    const run = () => statement(table(into), start, kept(start.position, last)).execute(trx);
    await (statement === tagHistory ? hashJoined(trx, run) : run());
  }
}

/**
 * Runs a statement with hash joins only: the planner, which knows nothing of
 * how many of a million events have a next version, otherwise looks each one
 * up through the stream index, several times slower than one hash of them.
 */
async function hashJoined(trx: Transaction<Database>, run: () => Promise<unknown>): Promise<void> {
  const { rows } = await sql<{ nestloop: string; mergejoin: string }>`
    select current_setting('enable_nestloop') as nestloop, current_setting('enable_mergejoin') as mergejoin`.execute(trx);
  await sql`select set_config('enable_nestloop', 'off', true), set_config('enable_mergejoin', 'off', true)`.execute(trx);
  await run();
  await sql`select set_config('enable_nestloop', ${rows[0]!.nestloop}, true), set_config('enable_mergejoin', ${rows[0]!.mergejoin}, true)`.execute(trx);
}

type Table = (name: string) => RawBuilder<unknown>;
type Statement = (into: Table, start: Start, kept: RawBuilder<unknown>) => RawBuilder<unknown>;

const table = (schema: string) => (name: string) => sql.id(schema, name);
const kept = (after: number, last: number) => sql`e.position > ${after}::bigint and e.position <= ${last}::bigint`;
/** The start's rows of a table, ahead of the events', or nothing before any archive. */
const archived = (start: Start, rows: () => RawBuilder<unknown>) => (start.schema === null ? sql`` : sql`${rows()} union all`);
const from = (start: Start, name: string) => sql.id(start.schema!, name);

// A repository's time is that of its first TagCreated in log order (never deleted).
const repositories: Statement = (into, start, range) => sql`
  insert into ${into('repositories')} (name, created_at)
  select distinct on (name) name, created_at from (
    ${archived(start, () => sql`select name, created_at, 0::bigint as position from ${from(start, 'repositories')}`)}
    select e.data->>'repository' as name, e.recorded_at as created_at, e.position from public.events e
    where ${range} and e.type = 'TagCreated'
  ) r order by name, position`;

// Every event but a delete opens an interval, which the tag's next version closes (version - 1 is how the live
// function finds the interval to close). An interval still open at the start is closed by its tag's first event after
// it. The next version is found by hashing the range's tag events on their stream: one pass each side, where a window
// over the streams would sort every event with its data.
const tagHistory: Statement = (into, start, range) => sql`
  insert into ${into('tag_history')} (repository, tag, version, media_type, size, digest, from_position, from_time, from_actor,
                                      to_version, to_position, to_time, to_actor)
  ${archived(
    start,
    () => sql`
      select repository, tag, version, media_type, size, digest, from_position, from_time, from_actor, to_version, to_position, to_time, to_actor
      from ${from(start, 'tag_history')} where to_version is not null`,
  )}
  select o.repository, o.tag, o.version, o.media_type, o.size, o.digest, o.from_position, o.from_time, o.from_actor,
         e.version, e.position, e.recorded_at, e.actor
  from (
    ${archived(
      start,
      () => sql`
        select repository || ':' || tag as stream_id, repository, tag, version, media_type, size, digest, from_position, from_time, from_actor
        from ${from(start, 'tag_history')} where to_version is null`,
    )}
    select e.stream_id, e.data->>'repository' as repository, e.data->>'tag' as tag, e.version,
           e.data->'target'->>'mediaType' as media_type, (e.data->'target'->>'size')::bigint as size, e.data->'target'->>'digest' as digest,
           e.position as from_position, e.recorded_at as from_time, e.actor as from_actor
    from public.events e where ${range} and e.type in ('TagCreated', 'TagMoved', 'TagRestored')
  ) o left join public.events e
    on e.stream_id = o.stream_id and e.version = o.version + 1 and ${range} and e.type in ('TagCreated', 'TagMoved', 'TagDeleted', 'TagRestored')`;

// A tag's row is its open interval: the last event decides both, and a delete leaves neither.
const tags: Statement = (into) => sql`
  insert into ${into('tags')} (repository, tag, media_type, size, digest, version, position, updated_at, updated_by)
  select repository, tag, media_type, size, digest, version, from_position, from_time, from_actor
  from ${into('tag_history')} where to_version is null`;

// A tag's own expiry is the one its last change set (a create or a move); a tag not changed since the start keeps the start's.
const tagExpiry: Statement = (into, start) => sql`
  insert into ${into('tag_expiry')} (repository, tag, expires_at)
  ${archived(
    start,
    () => sql`
      select x.repository, x.tag, x.expires_at from ${from(start, 'tag_expiry')} x
      join ${into('tags')} t on t.repository = x.repository and t.tag = x.tag and t.position <= ${start.position}::bigint`,
  )}
  select t.repository, t.tag, (e.data->>'expiresAt')::timestamptz from ${into('tags')} t join public.events e on e.position = t.position
  where t.position > ${start.position}::bigint and e.type in ('TagCreated', 'TagMoved') and e.data->>'expiresAt' is not null`;

// Pins and policies: each stream's last event decides its row, the start's row stands for a stream with none since.
const pins: Statement = (into, start, range) => sql`
  insert into ${into('pins')} (repository, digest, reason, pinned_by, pinned_at, position)
  select repository, digest, reason, pinned_by, pinned_at, position from (
    select distinct on (repository, digest) * from (
      ${archived(start, () => sql`select repository, digest, reason, pinned_by, pinned_at, position, true as pinned from ${from(start, 'pins')}`)}
      select e.data->>'repository' as repository, e.data->>'digest' as digest, e.data->>'reason' as reason, e.actor as pinned_by,
             e.recorded_at as pinned_at, e.position, e.type = 'ManifestPinned' as pinned
      from public.events e where ${range} and e.type in ('ManifestPinned', 'ManifestUnpinned')
    ) p order by repository, digest, position desc
  ) p where pinned`;

const policies: Statement = (into, start, range) => sql`
  insert into ${into('policies')} (id, spec, version, position, updated_at, updated_by)
  select id, spec, version, position, updated_at, updated_by from (
    select distinct on (id) * from (
      ${archived(start, () => sql`select id, spec, version, position, updated_at, updated_by, true as kept from ${from(start, 'policies')}`)}
      select e.data->>'id' as id, e.data->'policy' as spec, e.version, e.position, e.recorded_at as updated_at, e.actor as updated_by,
             e.type <> 'PolicyDeleted' as kept
      from public.events e where ${range} and e.type in ('PolicyCreated', 'PolicyChanged', 'PolicyDeleted')
    ) p order by id, position desc
  ) p where kept`;

// The start's leases; the sweeps since are replayed by the caller.
const gcLeases: Statement = (into, start) => sql`insert into ${into('gc_leases')} select * from ${from(start, 'gc_leases')}`;
