import { type Kysely, sql } from 'kysely';

// Frozen: a migration never changes once released; later changes get a new file.
export async function up(db: Kysely<unknown>): Promise<void> {
  const statements = [
    // The feed's `repository=` filter walks the log of one repository in position order.
    sql`create index events_by_repository on events ((data->>'repository'), position)`,
    sql`
      create table idempotency_keys (
      actor text not null,
      key text not null,
      fingerprint text not null,
      owner text,
      locked_until timestamptz,
      status smallint,
      headers jsonb,
      body text,
      created_at timestamptz not null default now(),
      primary key (actor, key)
    )`,
  ];
  for (const statement of statements) await statement.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table idempotency_keys`.execute(db);
  await sql`drop index events_by_repository`.execute(db);
}
