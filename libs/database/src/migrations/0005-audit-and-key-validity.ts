import { type Kysely, sql } from 'kysely';

// Frozen: a migration never changes once released; later changes get a new file.
export async function up(db: Kysely<unknown>): Promise<void> {
  const statements = [
    // The time range each signing key signed in; null ends are open. Rotation closes one and opens the next.
    sql`alter table signing_keys add column valid_from timestamptz`,
    sql`alter table signing_keys add column valid_until timestamptz`,
    // Audit filters, newest first (the repository filter uses 0003's events_by_repository).
    sql`create index events_by_actor on events (actor, position)`,
    sql`create index events_by_type on events (type, position)`,
  ];
  for (const statement of statements) await statement.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index events_by_type, events_by_actor`.execute(db);
  await sql`alter table signing_keys drop column valid_until, drop column valid_from`.execute(db);
}
