import { type Kysely, sql } from 'kysely';

// Frozen: a migration never changes once released; later changes get a new file.
//
// The same append and projection, with less work per round (issue 17). Measured per one-move round, in CPU time of
// the backend: the policies fingerprint was a SQL-language function, which Postgres parses and plans again in every
// transaction that calls it from PL/pgSQL; it is PL/pgSQL now, whose plans live as long as the connection. Statements
// that have nothing to do (no new stream, no Idempotency-Key, no pin, sweep or policy event in the round) no longer
// run, and the projections of tag events are one statement: each statement run costs an executor start, whatever it
// touches. Plans are generic: every parameter here is a key or a position range, and a custom plan would be made
// again on every call.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql.raw(RULES_CHANGED).execute(db);
  await sql.raw(PROJECT).execute(db);
  await sql.raw(APPEND).execute(db);
}

// Same arguments, same effects, same answers as the functions of 0010 and 0012: going down can leave these in place.
export async function down(): Promise<void> {}

const RULES_CHANGED = `
create or replace function tag_history_rules_changed(p_batch jsonb) returns text language plpgsql stable as $fn$
begin
  return (select f from (select count(*) || ':' || coalesce(max(position), 0) as f from policies) p
          where p_batch ? 'rules' and f <> p_batch->>'rules');
end
$fn$`;

const PROJECT = `
create or replace function tag_history_project(p_after bigint, p_last bigint) returns void language plpgsql
set jit = off set enable_hashjoin = off set enable_mergejoin = off set plan_cache_mode = force_generic_plan as $fn$
declare
  s record;
  v_types text[];
begin
  -- Only the projections of the kinds of event in the range run: a round of tag moves starts no statement for pins,
  -- leases or policies.
  select array_agg(distinct e.type) into v_types from events e where e.position > p_after and e.position <= p_last;

  if v_types && array['TagCreated', 'TagMoved', 'TagDeleted', 'TagRestored'] then
    -- One statement for every projection of tag events: one read of the range, one executor start.
    with ev as materialized (
      select e.position, e.stream_id, e.version, e.type, e.data, e.actor, e.recorded_at from events e
      where e.position > p_after and e.position <= p_last and e.type in ('TagCreated', 'TagMoved', 'TagDeleted', 'TagRestored')
    ), last as (
      -- Current tags and expiries: each tag's last event in the range decides its row.
      select distinct on (e.stream_id) e.* from ev e order by e.stream_id, e.position desc
    ), e as (
      select e.*, row_number() over w as nth,
             lead(e.version) over w as next_version, lead(e.position) over w as next_position,
             lead(e.recorded_at) over w as next_time, lead(e.actor) over w as next_actor
      from ev e
      window w as (partition by e.stream_id order by e.version)
    ), new_repositories as (
      -- A repository's time is that of its first creation in log order.
      insert into repositories (name, created_at)
      select distinct on (e.data->>'repository') e.data->>'repository', e.recorded_at
      from ev e where e.type = 'TagCreated'
      order by e.data->>'repository', e.position
      on conflict do nothing
    ), deleted_tags as (
      delete from tags t using last l
      where l.type = 'TagDeleted' and t.repository = l.data->>'repository' and t.tag = l.data->>'tag'
    ), current_tags as (
      insert into tags (repository, tag, media_type, size, digest, version, position, updated_at, updated_by)
      select l.data->>'repository', l.data->>'tag', l.data->'target'->>'mediaType', (l.data->'target'->>'size')::bigint,
             l.data->'target'->>'digest', l.version, l.position, l.recorded_at, l.actor
      from last l where l.type <> 'TagDeleted'
      on conflict (repository, tag) do update set
        media_type = excluded.media_type, size = excluded.size, digest = excluded.digest,
        version = excluded.version, position = excluded.position,
        updated_at = excluded.updated_at, updated_by = excluded.updated_by
    ), closed as (
      -- Intervals: every event closes the tag's open interval and, unless it deletes the tag, opens one. An
      -- interval opened and closed in the range is inserted closed; only the first event of a tag in the range
      -- closes an earlier row, found by primary key (version - 1).
      update tag_history h
      set to_version = e.version, to_position = e.position, to_time = e.recorded_at, to_actor = e.actor
      from e
      where e.nth = 1 and h.repository = e.data->>'repository' and h.tag = e.data->>'tag'
        and h.version = e.version - 1 and h.to_version is null
    ), expiry_cleared as (
      -- A tag's own expiry is the one its last change set; any later change without one clears it.
      delete from tag_expiry x using last l
      where x.repository = l.data->>'repository' and x.tag = l.data->>'tag'
        and not (l.type in ('TagCreated', 'TagMoved') and l.data->>'expiresAt' is not null)
    ), expiry_set as (
      insert into tag_expiry (repository, tag, expires_at)
      select l.data->>'repository', l.data->>'tag', (l.data->>'expiresAt')::timestamptz
      from last l where l.type in ('TagCreated', 'TagMoved') and l.data->>'expiresAt' is not null
      on conflict (repository, tag) do update set expires_at = excluded.expires_at
    )
    insert into tag_history (repository, tag, version, media_type, size, digest, from_position, from_time, from_actor,
                             to_version, to_position, to_time, to_actor)
    select e.data->>'repository', e.data->>'tag', e.version, e.data->'target'->>'mediaType', (e.data->'target'->>'size')::bigint,
           e.data->'target'->>'digest', e.position, e.recorded_at, e.actor,
           e.next_version, e.next_position, e.next_time, e.next_actor
    from e where e.type <> 'TagDeleted';
  end if;

  if v_types && array['ManifestPinned', 'ManifestUnpinned'] then
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
  end if;

  if v_types && array['GcSweepStarted', 'GcSweepExtended', 'GcSweepClosed'] then
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
    end loop;
  end if;

  if v_types && array['PolicyCreated', 'PolicyChanged', 'PolicyDeleted'] then
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
  end if;
end
$fn$`;

const APPEND = `
create or replace function tag_history_append(p_batch jsonb) returns jsonb language plpgsql
set jit = off set enable_hashjoin = off set enable_mergejoin = off set plan_cache_mode = force_generic_plan as $fn$
declare
  v_stale jsonb;
  v_leased jsonb;
  v_head bigint;
  v_count int := jsonb_array_length(p_batch->'events');
  v_rules text;
begin
  if p_batch @? '$.streams[*] ? (@.expected == 0)' then
    insert into streams (stream_id, version, last_hash, snapshot)
    select s.id, 0, null, 'null'::jsonb
    from jsonb_to_recordset(p_batch->'streams') as s(id text, expected int)
    where s.expected = 0 order by s.id
    on conflict do nothing;
  end if;

  -- Lock first, compare after, in two statements: a filter on version would be
  -- pushed below the lock and skip the very rows another writer is changing.
  perform 1 from streams st join jsonb_to_recordset(p_batch->'streams') as s(id text) on st.stream_id = s.id
  order by st.stream_id for update of st;
  -- A new statement, a new snapshot: it sees what the writers waited for committed.
  select jsonb_agg(jsonb_build_object('stream', st.stream_id, 'version', st.version, 'lastHash', st.last_hash, 'snapshot', st.snapshot))
  into v_stale
  from streams st join jsonb_to_recordset(p_batch->'streams') as s(id text, expected int) on st.stream_id = s.id
  where st.version <> s.expected;
  if v_stale is not null then
    return jsonb_build_object('stale', v_stale);
  end if;
  -- A round that changes nothing needs no lock: it answers the head its writers can read their state at.
  if v_count = 0 then
    v_rules := tag_history_rules_changed(p_batch);
    if v_rules is not null then
      return jsonb_build_object('rules', v_rules);
    end if;
    return jsonb_build_object('position', null, 'head', (select position from log_head where id = 1));
  end if;

  -- From here to commit every appender waits here: what the checks below read cannot change before this batch commits.
  select position into v_head from log_head where id = 1 for update;
  -- Policy writes append under this same lock: the policies read here are those this batch commits after.
  v_rules := tag_history_rules_changed(p_batch);
  if v_rules is not null then
    return jsonb_build_object('rules', v_rules);
  end if;

  select jsonb_agg(h) into v_leased from (
    select distinct on (e.i) e.i as index, l.repository, l.digest, l.sweep_id as sweep, l.lease_until as "leaseUntil"
    from jsonb_to_recordset(p_batch->'events') as e("refRepository" text, "refDigest" text, time timestamptz, i int)
    join gc_leases l on l.repository = e."refRepository" and l.digest = e."refDigest" and l.lease_until > e.time
  ) h;
  if v_leased is null and p_batch @? '$.events[*] ? (@.type == "GcSweepStarted" || @.type == "GcSweepExtended")' then
    select jsonb_agg(h) into v_leased from (
      select distinct on (e.i) e.i as index, r.key as repository, d.value as digest, e.data->>'id' as sweep, null as "leaseUntil"
      from jsonb_to_recordset(p_batch->'events') as e(type text, data jsonb, i int),
           jsonb_each(e.data->'leased') r, jsonb_array_elements_text(r.value) d
      where e.type in ('GcSweepStarted', 'GcSweepExtended') and (
        exists (select 1 from tag_history h where h.repository = r.key and h.digest = d.value and h.from_position > (e.data->>'asOf')::bigint)
        or exists (select 1 from pins p where p.repository = r.key and p.digest = d.value and p.position > (e.data->>'asOf')::bigint)
        -- A write of this same batch that references it: the sweep goes first or not at all.
        or exists (select 1 from jsonb_to_recordset(p_batch->'events') as o("refRepository" text, "refDigest" text)
                   where o."refRepository" = r.key and o."refDigest" = d.value))
    ) h;
  end if;
  if v_leased is not null then
    return jsonb_build_object('leased', v_leased);
  end if;

  update log_head set position = position + v_count where id = 1;

  insert into events (position, stream_id, version, type, data, actor, recorded_at, jws, hash, prev_hash)
  select v_head + e.i, e.stream, e.version, e.type, e.data, e.actor, e.time, e.jws, e.hash, e.prev
  from jsonb_to_recordset(p_batch->'events')
    as e(stream text, version int, type text, data jsonb, actor text, time timestamptz, jws text, hash text, prev text, i int);

  update streams st set version = s.version, last_hash = s."lastHash", snapshot = s.snapshot
  from jsonb_to_recordset(p_batch->'streams') as s(id text, expected int, version int, "lastHash" text, snapshot jsonb)
  where st.stream_id = s.id and s.version <> s.expected;

  if jsonb_array_length(coalesce(p_batch->'keys', '[]'::jsonb)) > 0 then
    update idempotency_keys k set result = r.result, result_position = v_head + r."offset"
    from jsonb_to_recordset(coalesce(p_batch->'keys', '[]'::jsonb)) as r(actor text, key text, owner text, result jsonb, "offset" int)
    where k.actor = r.actor and k.key = r.key and k.owner = r.owner;
  end if;

  perform tag_history_project(v_head, v_head + v_count);
  -- Delivered at commit: a listener never hears of events it cannot read yet.
  perform pg_notify('tag_history_appended', (v_head + v_count)::text);
  return jsonb_build_object('position', v_head + 1);
end
$fn$`;
