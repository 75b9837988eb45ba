import { type Kysely, sql } from 'kysely';

// Frozen: a migration never changes once released; later changes get a new file.
export async function up(db: Kysely<unknown>): Promise<void> {
  const statements = [
    // Hints from an upstream registry's notifications, each a check of the registry still to make.
    // (registry, notification_id) is the registry's event id: a redelivery inserts nothing.
    sql`
      create table registry_checks (
        id bigserial primary key,
        registry text not null,
        notification_id text not null,
        kind text not null,
        repository text collate "C",
        tag text collate "C",
        digest text,
        actor text,
        request_id text,
        received_at timestamptz not null,
        attempts integer not null default 0,
        failures integer not null default 0,
        not_before timestamptz not null,
        claimed_until timestamptz,
        done_at timestamptz,
        unique (registry, notification_id)
      )`,
    sql`create index registry_checks_due on registry_checks (not_before, id) where done_at is null`,
    sql`create index registry_checks_done on registry_checks (done_at) where done_at is not null`,
    // The registry process last heard from: a new one (a restart) lost its queue of notifications.
    sql`
      create table registry_instances (
        registry text primary key,
        instance_id text not null,
        seen_at timestamptz not null
      )`,
    // One reconcile per registry at a time across instances: a lease, renewed while it runs.
    sql`
      create table registry_reconcile_leases (
        registry text primary key,
        holder text not null,
        lease_until timestamptz not null
      )`,
  ];
  for (const statement of statements) await statement.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table registry_reconcile_leases, registry_instances, registry_checks`.execute(db);
}
