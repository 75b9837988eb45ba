import type { Database } from '@tag-history/database';
import { type Kysely, sql } from 'kysely';
import { type BuildResult, buildProjections, REBUILD_SCHEMA } from './build-projections';
import { PROJECTION_TABLES } from './projection-tables';

export interface RebuildResult extends BuildResult {
  rows: Record<string, number>;
}

/**
 * Rebuilds every projection from the log and swaps the result in, in one
 * transaction: readers see the old projections until the commit. The swap
 * copies rows into the live tables rather than renaming tables, so their
 * names, indexes and constraints stay those the migrations created.
 */
export async function rebuildProjections(db: Kysely<Database>): Promise<RebuildResult> {
  return db.transaction().execute(async (trx) => {
    const built = await buildProjections(trx);
    const live = PROJECTION_TABLES.map((t) => sql.id('public', t));
    await sql`truncate ${sql.join(live)}`.execute(trx);
    const rows: Record<string, number> = {};
    for (const table of PROJECTION_TABLES) {
      const result = await sql`insert into ${sql.id('public', table)} select * from ${sql.id(REBUILD_SCHEMA, table)}`.execute(trx);
      rows[table] = Number(result.numAffectedRows ?? 0);
    }
    await sql`drop schema ${sql.id(REBUILD_SCHEMA)} cascade`.execute(trx);
    return { ...built, rows };
  });
}
