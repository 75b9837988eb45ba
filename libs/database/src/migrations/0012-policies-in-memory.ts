import { type Kysely, sql } from 'kysely';

// Frozen: a migration never changes once released; later changes get a new file.
//
// Policies kept in each instance's memory instead of read for every tag write
// (issue 17). A round names the policies its writes were decided under by
// their fingerprint, `<count>:<last position>` of the `policies` projection:
// every create or change raises the last position and a delete alone lowers
// the count, so no two policy sets of one log share a fingerprint. The append
// compares it under the log head lock, which policy writes take too, and
// refuses a round decided under policies that changed since (`rules`); the
// instance then reads them again and decides anew.
//
// A round that appends nothing also answers the log head, so that its writers
// learn where their state can be read without another query.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql.raw(RULES_CHANGED).execute(db);
  await sql.raw(APPEND).execute(db);
}

// The append of this migration answers the batches of the code before it exactly as 0006's did (they name no
// policies, and nothing reads the extra head), so going down leaves both functions in place.
export async function down(): Promise<void> {}

/** The current fingerprint when the batch names one that differs from it; null when it names none or the same. */
const RULES_CHANGED = `
create function tag_history_rules_changed(p_batch jsonb) returns text language sql stable as $fn$
  select f from (select count(*) || ':' || coalesce(max(position), 0) as f from policies) p
  where p_batch ? 'rules' and f <> p_batch->>'rules'
$fn$`;

const APPEND = `
-- Every statement here touches a few rows by key. The planner cannot tell (a JSON
-- document or a position range has no statistics it can use), and a generic plan
-- that hash-joins a batch of 30 rows with a seq scan of a million streams or tags
-- costs milliseconds under the log head lock: nested loops over the keys only.
-- JIT compiling statements this small would cost far more than running them.
create or replace function tag_history_append(p_batch jsonb) returns jsonb language plpgsql
set jit = off set enable_hashjoin = off set enable_mergejoin = off as $fn$
declare
  v_stale jsonb;
  v_leased jsonb;
  v_head bigint;
  v_count int := jsonb_array_length(p_batch->'events');
  v_rules text;
begin
  insert into streams (stream_id, version, last_hash, snapshot)
  select s.id, 0, null, 'null'::jsonb
  from jsonb_to_recordset(p_batch->'streams') as s(id text, expected int)
  where s.expected = 0 order by s.id
  on conflict do nothing;

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

  update idempotency_keys k set result = r.result, result_position = v_head + r."offset"
  from jsonb_to_recordset(coalesce(p_batch->'keys', '[]'::jsonb)) as r(actor text, key text, owner text, result jsonb, "offset" int)
  where k.actor = r.actor and k.key = r.key and k.owner = r.owner;

  perform tag_history_project(v_head, v_head + v_count);
  -- Delivered at commit: a listener never hears of events it cannot read yet.
  perform pg_notify('tag_history_appended', (v_head + v_count)::text);
  return jsonb_build_object('position', v_head + 1);
end
$fn$`;
