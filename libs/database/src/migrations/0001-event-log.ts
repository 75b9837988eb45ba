import { type Kysely, sql } from 'kysely';

// Frozen: a migration never changes once released; later changes get a new file.
export async function up(db: Kysely<unknown>): Promise<void> {
  // One statement per query: PGlite runs each through the extended protocol.
  const statements = [
    sql`
      create table log_head (
        id smallint primary key check (id = 1),
        position bigint not null
      )`,
    sql`insert into log_head (id, position) values (1, 0)`,
    sql`
      create table streams (
        stream_id text primary key,
        version integer not null,
        last_hash text,
        snapshot jsonb not null
      )`,
    sql`
      create table events (
        position bigint primary key,
        stream_id text not null,
        version integer not null,
        type text not null,
        data jsonb not null,
        actor text not null,
        recorded_at timestamptz not null,
        jws text not null,
        hash text not null,
        prev_hash text,
        unique (stream_id, version)
      )`,
    sql`
      create table signing_keys (
        kid text primary key,
        public_jwk jsonb not null,
        added_at timestamptz not null default now()
      )`,
    sql`
      create table repositories (
        name text primary key,
      created_at timestamptz not null
      )`,
    sql`
      create table tags (
        repository text collate "C" not null,
        tag text collate "C" not null,
        media_type text not null,
        size bigint not null,
        digest text not null,
        version integer not null,
        position bigint not null,
        updated_at timestamptz not null,
        updated_by text not null,
        primary key (repository, tag)
      )`,
    sql`create index tags_by_digest on tags (repository, digest)`,
  ];
  for (const statement of statements) await statement.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table tags, repositories, signing_keys, events, streams, log_head`.execute(db);
}
