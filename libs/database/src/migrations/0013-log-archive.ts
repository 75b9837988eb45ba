import { type Kysely, sql } from 'kysely';

// Frozen: a migration never changes once released; later changes get a new file.
//
// Old partitions of `events` are archived as signed segments and then
// detached (the CLI's archive-partition, docs/scaling.md). What the log keeps
// of them: one row per segment (its range and the tree's root at its end,
// verified from the segment), each stream's head at the archive boundary (so
// that verify-log checks the kept events' chains from there, and with the
// client's JWS of that event, so that a tag not moved since is still served
// signed as its client signed it), and the
// projections as they stood at the boundary, in a schema of their own, which
// a rebuild starts from instead of position 1.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table log_archive (
      name text primary key,
      first_position bigint not null unique,
      last_position bigint not null unique,
      root bytea not null,
      checkpoint_size bigint not null,
      events_sha256 text not null,
      archived_at timestamptz not null,
      check (last_position >= first_position)
    )`.execute(db);
  await sql`
    create table log_archived_streams (
      stream_id text primary key,
      version integer not null,
      hash text not null,
      segment text not null references log_archive (name),
      client_jws jsonb
    )`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table log_archived_streams, log_archive`.execute(db);
  await sql`drop schema if exists log_archive_projections cascade`.execute(db);
}
