import type { Database } from '@tag-history/database';
import { type Kysely, sql } from 'kysely';
import { type BuildOptions, type BuildResult, buildProjections, copyIndexes, copyStorageParameters, REBUILD_SCHEMA } from './build-projections';
import { PROJECTION_TABLES } from './projection-tables';

export interface RebuildResult extends BuildResult {
  rows: Record<string, number>;
}

/**
 * Rebuilds every projection from the log and swaps the result in, in one
 * transaction: readers see the old projections until the commit. The rebuilt
 * tables get the live ones' indexes (built once, in bulk) under the same
 * names and their storage parameters, then replace them; a table something
 * else depends on makes the drop fail, and the transaction with it, rather
 * than cascade.
 */
export async function rebuildProjections(db: Kysely<Database>, options: BuildOptions = {}): Promise<RebuildResult> {
  return db.transaction().execute(async (trx) => {
    const built = await buildProjections(trx, options);
    // Each index is built once, from all rows: sorted in memory rather than in temporary files.
    await sql`set local maintenance_work_mem = '256MB'`.execute(trx);
    const rows: Record<string, number> = {};
    for (const table of PROJECTION_TABLES) {
      const { rows: counted } = await sql<{ n: number }>`select count(*)::int as n from ${sql.id(REBUILD_SCHEMA, table)}`.execute(trx);
      rows[table] = counted[0]!.n;
      await copyIndexes(trx, table);
      await copyStorageParameters(trx, table);
      await sql`drop table ${sql.id('public', table)}`.execute(trx);
      await sql`alter table ${sql.id(REBUILD_SCHEMA, table)} set schema public`.execute(trx);
    }
    await sql`drop view ${sql.id(REBUILD_SCHEMA, 'events')}`.execute(trx);
    await sql`drop schema ${sql.id(REBUILD_SCHEMA)}`.execute(trx);
    return { ...built, rows };
  });
}
