import { type Kysely, sql } from 'kysely';

// Frozen: a migration never changes once released; later changes get a new file.
export async function up(db: Kysely<unknown>): Promise<void> {
  const statements = [
    // Manifests kept referenced without a tag.
    sql`
      create table pins (
        repository text collate "C" not null,
        digest text collate "C" not null,
        reason text not null,
        pinned_by text not null,
        pinned_at timestamptz not null,
        position bigint not null,
        primary key (repository, digest)
      )`,
    // What open GC sweeps are deleting: appends that would reference these fail until lease_until.
    sql`
      create table gc_leases (
        repository text collate "C" not null,
        digest text not null,
        sweep_id text not null,
        lease_until timestamptz not null,
        primary key (repository, digest, sweep_id)
      )`,
    sql`create index gc_leases_by_sweep on gc_leases (sweep_id)`,
    // The referenced set reads current tags in (repository, digest) byte order straight from this index:
    // no sort of a million rows, and the first line goes out at once.
    sql`create index tags_gc_order on tags (repository, (digest collate "C"))`,
  ];
  for (const statement of statements) await statement.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table gc_leases, pins`.execute(db);
}
