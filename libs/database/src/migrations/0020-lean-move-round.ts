import { type Kysely, sql } from 'kysely';

// Frozen: a migration never changes once released; later changes get a new file.
//
// A round of moves with fewer plans to start (issue 17). Profiled per one-move round, a sixth of the backend's CPU
// went to starting executors: every statement initialises every node of its plan, a DML node opening its table and
// all its indexes, whether or not a row reaches it. So:
//  - the streams are locked and compared in one statement: the FOR UPDATE stays in a CTE of its own, which returns
//    each row as the writer it waited for committed it, and the comparison is outside, where it cannot skip a row;
//  - the log head is moved in the statement that locks it; a round refused after that (policies changed, a lease
//    met) puts it back before returning, under the same lock;
//  - the lease check runs only while some lease exists;
//  - a round of moves of distinct tags that set no expiry (nearly every round) is projected from the batch itself
//    by three updates and an insert, instead of tag_history_project's reading the range back and its statement of
//    seven DML nodes. The rules are the same (test/integration/lean-move-round.test.ts compares the two on the same
//    rounds); any other round still calls tag_history_project.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql.raw(APPEND).execute(db);
}

// Same arguments, effects and answers as 0018's function: going down can leave this one in place.
export async function down(): Promise<void> {}

const APPEND = `create or replace function tag_history_append(p_batch jsonb) returns jsonb language plpgsql
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

  -- Locked in a CTE of its own, compared outside it: a FOR UPDATE waits for a writer and returns the row that writer
  -- committed, which the comparison then sees (a filter inside the locking query would skip it instead).
  with locked as materialized (
    select st.stream_id, st.version, st.last_hash, st.snapshot from streams st
    join jsonb_to_recordset(p_batch->'streams') as s(id text) on st.stream_id = s.id
    order by st.stream_id for update of st
  )
  select jsonb_agg(jsonb_build_object('stream', l.stream_id, 'version', l.version, 'lastHash', l.last_hash, 'snapshot', l.snapshot))
  into v_stale
  from locked l join jsonb_to_recordset(p_batch->'streams') as s(id text, expected int) on l.stream_id = s.id
  where l.version <> s.expected;
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
  update log_head set position = position + v_count where id = 1 returning position - v_count into v_head;
  -- Policy writes append under this same lock: the policies read here are those this batch commits after.
  v_rules := tag_history_rules_changed(p_batch);
  if v_rules is not null then
    update log_head set position = v_head where id = 1;
    return jsonb_build_object('rules', v_rules);
  end if;

  -- Leases exist only while a GC sweep runs: without any, the check needs no plan of its own.
  if exists (select from gc_leases) then
    select jsonb_agg(h) into v_leased from (
      select distinct on (e.i) e.i as index, l.repository, l.digest, l.sweep_id as sweep, l.lease_until as "leaseUntil"
      from jsonb_to_recordset(p_batch->'events') as e("refRepository" text, "refDigest" text, time timestamptz, i int)
      join gc_leases l on l.repository = e."refRepository" and l.digest = e."refDigest" and l.lease_until > e.time
    ) h;
  end if;
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
    update log_head set position = v_head where id = 1;
    return jsonb_build_object('leased', v_leased);
  end if;

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

  -- The common round, moves of distinct tags setting no expiry, projected straight from the batch: what
  -- tag_history_project (0018) does with such a range, without reading it back, ordering it or starting the
  -- statements it cannot need (creations, deletions, expiries set). Anything else goes the general way.
  if not p_batch @? '$.streams[*] ? (@.version - @.expected > 1)'
     and not p_batch @? '$.events[*] ? (@.type != "TagMoved" || exists(@.data.expiresAt))' then
    with ev as (
      select v_head + e.i as position, e.version, e.data, e.actor, e.time as recorded_at
      from jsonb_to_recordset(p_batch->'events') as e(version int, data jsonb, actor text, time timestamptz, i int)
    ), moved as (
      update tags t set media_type = e.data->'target'->>'mediaType', size = (e.data->'target'->>'size')::bigint,
        digest = e.data->'target'->>'digest', version = e.version, position = e.position, updated_at = e.recorded_at, updated_by = e.actor
      from ev e where t.repository = e.data->>'repository' and t.tag = e.data->>'tag'
    ), closed as (
      update tag_history h set to_version = e.version, to_position = e.position, to_time = e.recorded_at, to_actor = e.actor
      from ev e where h.repository = e.data->>'repository' and h.tag = e.data->>'tag' and h.version = e.version - 1 and h.to_version is null
    )
    insert into tag_history (repository, tag, version, media_type, size, digest, from_position, from_time, from_actor)
    select e.data->>'repository', e.data->>'tag', e.version, e.data->'target'->>'mediaType', (e.data->'target'->>'size')::bigint,
           e.data->'target'->>'digest', e.position, e.recorded_at, e.actor
    from ev e;
    -- A move without an expiry clears the tag's own; most logs have none to clear.
    if exists (select from tag_expiry) then
      delete from tag_expiry x using jsonb_to_recordset(p_batch->'events') as e(data jsonb)
      where x.repository = e.data->>'repository' and x.tag = e.data->>'tag';
    end if;
  else
    perform tag_history_project(v_head, v_head + v_count);
  end if;
  -- Delivered at commit: a listener never hears of events it cannot read yet.
  perform pg_notify('tag_history_appended', (v_head + v_count)::text);
  return jsonb_build_object('position', v_head + 1);
end
$fn$`;
