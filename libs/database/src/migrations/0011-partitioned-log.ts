import { type Kysely, sql } from 'kysely';

// Frozen: a migration never changes once released; later changes get a new file.
//
// `events` becomes range-partitioned by position. The log as it is stays
// where it is, attached as the first partition [1, head + 1): nothing is
// copied, so no event can be lost or reordered, and the conversion costs one
// scan (the partition check) and one index build (events_by_stream), not a
// rewrite. Later partitions hold `log_partitioning.size` positions each and
// are made ahead of need by `tag_history_extend_log` (see docs/scaling.md).
//
// `unique (stream_id, version)` cannot stay: a partitioned table's unique
// keys must hold the partition key. It was never what kept versions unique:
// the append function locks the stream row and checks its version first.
export async function up(db: Kysely<unknown>): Promise<void> {
  const { rows } = await sql<{ position: string | number }>`select position from log_head where id = 1`.execute(db);
  const head = Number(rows[0]!.position);
  const statements = [
    // One scan and one index build over the whole log: longer than the service's statement timeout on a big one.
    sql`set local statement_timeout = 0`,
    // Readers wait for the conversion; writers too (they lock log_head, then insert into events).
    sql`lock table log_head, events in access exclusive mode`,
    sql`alter table events rename to events_from_1`,
    sql`alter table events_from_1 rename constraint events_pkey to events_from_1_pkey`,
    sql`alter table events_from_1 drop constraint events_stream_id_version_key`,
    sql`alter index events_by_repository rename to events_from_1_by_repository`,
    sql`alter index events_by_actor rename to events_from_1_by_actor`,
    sql`alter index events_by_type rename to events_from_1_by_type`,
    sql`
      create table events (
        position bigint not null,
        stream_id text not null,
        version integer not null,
        type text not null,
        data jsonb not null,
        actor text not null,
        recorded_at timestamptz not null,
        jws text not null,
        hash text not null,
        prev_hash text,
        primary key (position)
      ) partition by range (position)`,
    // The same indexes as before; attaching the old table adopts its equivalent ones without building them.
    sql`create index events_by_stream on events (stream_id, version)`,
    sql`create index events_by_repository on events ((data->>'repository'), position)`,
    sql`create index events_by_actor on events (actor, position)`,
    sql`create index events_by_type on events (type, position)`,
    head > 0 ? sql`alter table events attach partition events_from_1 for values from (1) to (${sql.lit(head + 1)})` : sql`drop table events_from_1`,
    // One row: the size of the partitions to come, and where the last one made ends (exclusive).
    sql`
      create table log_partitioning (
        id smallint primary key check (id = 1),
        size bigint not null check (size > 0),
        until bigint not null
      )`,
    sql`insert into log_partitioning (id, size, until) values (1, 10000000, ${sql.lit(head + 1)})`,
    sql.raw(EXTEND),
    sql`select tag_history_extend_log(10000000)`,
  ];
  for (const statement of statements) await statement.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('0011-partitioned-log is not reversible: a partitioned log is not converted back');
}

/**
 * Makes partitions until positions up to log head + p_ahead have one; answers
 * how many it made. Each is made as a table of its own and then attached:
 * ATTACH PARTITION takes SHARE UPDATE EXCLUSIVE on `events` (appends and reads
 * go on), where CREATE TABLE ... PARTITION OF would take ACCESS EXCLUSIVE and
 * queue every reader behind the longest running one. The row lock on
 * log_partitioning makes concurrent callers (several instances) take turns.
 */
const EXTEND = `
create function tag_history_extend_log(p_ahead bigint) returns integer language plpgsql as $fn$
declare
  v_head bigint;
  v_size bigint;
  v_until bigint;
  v_made integer := 0;
  v_name text;
begin
  select size, until into v_size, v_until from log_partitioning where id = 1 for update;
  select position into v_head from log_head where id = 1;
  while v_until <= v_head + p_ahead loop
    v_name := 'events_from_' || v_until;
    execute format('create table %I (like events including defaults including constraints)', v_name);
    execute format('alter table events attach partition %I for values from (%s) to (%s)', v_name, v_until, v_until + v_size);
    v_until := v_until + v_size;
    v_made := v_made + 1;
  end loop;
  update log_partitioning set until = v_until where id = 1;
  return v_made;
end
$fn$`;
