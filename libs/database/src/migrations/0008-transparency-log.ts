import { type Kysely, sql } from 'kysely';

// Frozen: a migration never changes once released; later changes get a new file.
export async function up(db: Kysely<unknown>): Promise<void> {
  const statements = [
    // How far the Merkle tree has integrated the log; its row lock makes one integrator at a time.
    sql`
      create table log_tree (
        id smallint primary key check (id = 1),
        size bigint not null,
        root bytea not null
      )`,
    sql`insert into log_tree (id, size, root) values (1, 0, decode('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855', 'hex'))`,
    // C2SP tlog-tiles of height 8: tile `index` of `level` holds up to 256 hashes of tree level 8 * level.
    sql`
      create table log_tiles (
        level smallint not null,
        index bigint not null,
        hashes bytea not null,
        primary key (level, index)
      )`,
    // Every signed checkpoint: proofs are only served against these sizes.
    sql`
      create table log_checkpoints (
        size bigint primary key,
        root bytea not null,
        note text not null,
        signed_at timestamptz not null
      )`,
    // Cosignature lines served with a checkpoint: the service's timestamp (re-signed) and witnesses'.
    sql`
      create table log_cosignatures (
        size bigint not null,
        name text not null,
        line text not null,
        signed_at timestamptz not null,
        primary key (size, name)
      )`,
  ];
  for (const statement of statements) await statement.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table log_cosignatures, log_checkpoints, log_tiles, log_tree`.execute(db);
}
