import { type Kysely, sql } from 'kysely';

// Frozen: a migration never changes once released; later changes get a new file.
//
// Tag policies (issue 11): the `policies` projection, each tag's own expiry
// (`tag_expiry`), and the lease that lets one instance at a time run the
// expire and retain policies. The projection function of migration 0006 is
// replaced by the same body (copied whole) with the two new projections added
// at its end, so appends and rebuilds project policies like everything else.
export async function up(db: Kysely<unknown>): Promise<void> {
  const statements = [
    sql`
      create table policies (
        id text collate "C" primary key,
        spec jsonb not null,
        version integer not null,
        position bigint not null,
        updated_at timestamptz not null,
        updated_by text not null
      )`,
    sql`
      create table tag_expiry (
        repository text collate "C" not null,
        tag text collate "C" not null,
        expires_at timestamptz not null,
        primary key (repository, tag)
      )`,
    sql`create index tag_expiry_due on tag_expiry (expires_at)`,
    sql`
      create table policy_run_leases (
        name text primary key,
        holder text not null,
        lease_until timestamptz not null
      )`,
    sql.raw(`${PROJECT_0006}${POLICIES}\nend\n$fn$`),
  ];
  for (const statement of statements) await statement.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql.raw(`${PROJECT_0006}\nend\n$fn$`).execute(db);
  await sql`drop table policy_run_leases, tag_expiry, policies`.execute(db);
}

/** Migration 0006's `tag_history_project`, as it was, up to its final `end`. */
const PROJECT_0006 = `
create or replace function tag_history_project(p_after bigint, p_last bigint) returns void language plpgsql
set jit = off set enable_hashjoin = off set enable_mergejoin = off as $fn$
declare
  s record;
begin
  -- A repository's time is that of its first creation in log order.
  insert into repositories (name, created_at)
  select distinct on (e.data->>'repository') e.data->>'repository', e.recorded_at
  from events e where e.position > p_after and e.position <= p_last and e.type = 'TagCreated'
  order by e.data->>'repository', e.position
  on conflict do nothing;

  -- Current tags: each tag's last event in the range decides its row.
  with last as (
    select distinct on (e.stream_id) e.* from events e
    where e.position > p_after and e.position <= p_last and e.type in ('TagCreated', 'TagMoved', 'TagDeleted', 'TagRestored')
    order by e.stream_id, e.position desc
  ), removed as (
    delete from tags t using last l
    where l.type = 'TagDeleted' and t.repository = l.data->>'repository' and t.tag = l.data->>'tag'
  )
  insert into tags (repository, tag, media_type, size, digest, version, position, updated_at, updated_by)
  select l.data->>'repository', l.data->>'tag', l.data->'target'->>'mediaType', (l.data->'target'->>'size')::bigint,
         l.data->'target'->>'digest', l.version, l.position, l.recorded_at, l.actor
  from last l where l.type <> 'TagDeleted'
  on conflict (repository, tag) do update set
    media_type = excluded.media_type, size = excluded.size, digest = excluded.digest,
    version = excluded.version, position = excluded.position,
    updated_at = excluded.updated_at, updated_by = excluded.updated_by;

  -- Intervals: every event closes the tag's open interval and, unless it
  -- deletes the tag, opens one. An interval opened and closed in the range is
  -- inserted closed; only the first event of a tag in the range closes an
  -- earlier row, found by primary key (version - 1).
  with e as (
    select e.*, row_number() over w as nth,
           lead(e.version) over w as next_version, lead(e.position) over w as next_position,
           lead(e.recorded_at) over w as next_time, lead(e.actor) over w as next_actor
    from events e
    where e.position > p_after and e.position <= p_last and e.type in ('TagCreated', 'TagMoved', 'TagDeleted', 'TagRestored')
    window w as (partition by e.stream_id order by e.version)
  ), closed as (
    update tag_history h
    set to_version = e.version, to_position = e.position, to_time = e.recorded_at, to_actor = e.actor
    from e
    where e.nth = 1 and h.repository = e.data->>'repository' and h.tag = e.data->>'tag'
      and h.version = e.version - 1 and h.to_version is null
  )
  insert into tag_history (repository, tag, version, media_type, size, digest, from_position, from_time, from_actor,
                           to_version, to_position, to_time, to_actor)
  select e.data->>'repository', e.data->>'tag', e.version, e.data->'target'->>'mediaType', (e.data->'target'->>'size')::bigint,
         e.data->'target'->>'digest', e.position, e.recorded_at, e.actor,
         e.next_version, e.next_position, e.next_time, e.next_actor
  from e where e.type <> 'TagDeleted';

  with last as (
    select distinct on (e.stream_id) e.* from events e
    where e.position > p_after and e.position <= p_last and e.type in ('ManifestPinned', 'ManifestUnpinned')
    order by e.stream_id, e.position desc
  ), removed as (
    delete from pins p using last l
    where l.type = 'ManifestUnpinned' and p.repository = l.data->>'repository' and p.digest = l.data->>'digest'
  )
  insert into pins (repository, digest, reason, pinned_by, pinned_at, position)
  select l.data->>'repository', l.data->>'digest', l.data->>'reason', l.actor, l.recorded_at, l.position
  from last l where l.type = 'ManifestPinned'
  on conflict (repository, digest) do update set
    reason = excluded.reason, pinned_by = excluded.pinned_by, pinned_at = excluded.pinned_at, position = excluded.position;

  -- Leases are exactly what each sweep's event says it leased: a replay rebuilds them as they were.
  for s in
    select e.type, e.data, e.recorded_at from events e
    where e.position > p_after and e.position <= p_last and e.type in ('GcSweepStarted', 'GcSweepExtended', 'GcSweepClosed')
    order by e.position
  loop
    if s.type = 'GcSweepStarted' then
      delete from gc_leases where lease_until <= s.recorded_at;
    end if;
    if s.type in ('GcSweepStarted', 'GcSweepExtended') then
      insert into gc_leases (repository, digest, sweep_id, lease_until)
      select r.key, d.value, s.data->>'id', (s.data->>'leaseUntil')::timestamptz
      from jsonb_each(coalesce(s.data->'leased', '{}'::jsonb)) r, jsonb_array_elements_text(r.value) d
      on conflict do nothing;
    else
      delete from gc_leases where sweep_id = s.data->>'id';
    end if;
  end loop;`;

const POLICIES = `

  -- Policies: each policy's last event in the range decides its row.
  with last as (
    select distinct on (e.stream_id) e.* from events e
    where e.position > p_after and e.position <= p_last and e.type in ('PolicyCreated', 'PolicyChanged', 'PolicyDeleted')
    order by e.stream_id, e.position desc
  ), removed as (
    delete from policies p using last l where l.type = 'PolicyDeleted' and p.id = l.data->>'id'
  )
  insert into policies (id, spec, version, position, updated_at, updated_by)
  select l.data->>'id', l.data->'policy', l.version, l.position, l.recorded_at, l.actor
  from last l where l.type <> 'PolicyDeleted'
  on conflict (id) do update set
    spec = excluded.spec, version = excluded.version, position = excluded.position,
    updated_at = excluded.updated_at, updated_by = excluded.updated_by;

  -- A tag's own expiry is the one its last change set; any later change without one clears it.
  with last as (
    select distinct on (e.stream_id) e.* from events e
    where e.position > p_after and e.position <= p_last and e.type in ('TagCreated', 'TagMoved', 'TagDeleted', 'TagRestored')
    order by e.stream_id, e.position desc
  ), removed as (
    delete from tag_expiry x using last l
    where x.repository = l.data->>'repository' and x.tag = l.data->>'tag'
      and not (l.type in ('TagCreated', 'TagMoved') and l.data->>'expiresAt' is not null)
  )
  insert into tag_expiry (repository, tag, expires_at)
  select l.data->>'repository', l.data->>'tag', (l.data->>'expiresAt')::timestamptz
  from last l where l.type in ('TagCreated', 'TagMoved') and l.data->>'expiresAt' is not null
  on conflict (repository, tag) do update set expires_at = excluded.expires_at;`;
