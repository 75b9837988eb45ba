import { type Kysely, sql } from 'kysely';

// Frozen: a migration never changes once released; later changes get a new file.
export async function up(db: Kysely<unknown>): Promise<void> {
  const statements = [
    // One row per interval [from, to) during which a tag pointed at one target.
    sql`
      create table tag_history (
        repository text collate "C" not null,
        tag text collate "C" not null,
        version integer not null,
        media_type text not null,
        size bigint not null,
        digest text not null,
        from_position bigint not null,
        from_time timestamptz not null,
        from_actor text not null,
        to_version integer,
        to_position bigint,
        to_time timestamptz,
        to_actor text,
        primary key (repository, tag, version)
      )`,
    // Point-in-time lookups read one index entry, however long the history.
    sql`create index tag_history_at_time on tag_history (repository, tag, from_time)`,
    sql`create index tag_history_at_position on tag_history (repository, tag, from_position)`,
    // The digest index: every tag that ever pointed at a digest.
    sql`create index tag_history_by_digest on tag_history (repository, digest, tag)`,
    // Recently closed intervals: what a GC recovery window keeps.
    sql`create index tag_history_closed on tag_history (to_time) where to_time is not null`,
  ];
  for (const statement of statements) await statement.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table tag_history`.execute(db);
}
