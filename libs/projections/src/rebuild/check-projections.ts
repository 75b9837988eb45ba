import type { Database } from '@tag-history/database';
import { type Kysely, type RawBuilder, sql, type Transaction } from 'kysely';
import { type BuildOptions, type BuildResult, buildProjections, REBUILD_SCHEMA } from './build-projections';
import { PROJECTION_TABLES } from './projection-tables';

export interface TableDifference {
  table: string;
  /** Rows the live table has and a rebuild would not, and the reverse (counted with multiplicity). */
  onlyLive: number;
  onlyRebuilt: number;
  /** A few of them, to show what differs. */
  examples: { side: 'live' | 'rebuilt'; row: Record<string, unknown> }[];
}

export interface CheckResult extends BuildResult {
  differences: TableDifference[];
}

const EXAMPLES = 5;

/** Rows of `a` that `b` lacks: counted in the database, with a few examples fetched. */
async function difference(trx: Transaction<Database>, a: RawBuilder<unknown>, b: RawBuilder<unknown>) {
  const rows = sql`select * from ${a} except all select * from ${b}`;
  const { rows: counted } = await sql<{ count: number }>`select count(*)::int as count from (${rows}) d`.execute(trx);
  const { rows: examples } = await sql<Record<string, unknown>>`${rows} limit ${EXAMPLES}`.execute(trx);
  return { count: counted[0]!.count, examples };
}

/** Rebuilds the projections aside and compares them with the live ones row for row; changes nothing. */
export async function checkProjections(db: Kysely<Database>, options: BuildOptions = {}): Promise<CheckResult> {
  return db.transaction().execute(async (trx) => {
    const built = await buildProjections(trx, options);
    const differences: TableDifference[] = [];
    for (const table of PROJECTION_TABLES) {
      const live = sql.id('public', table);
      const rebuilt = sql.id(REBUILD_SCHEMA, table);
      const onlyLive = await difference(trx, live, rebuilt);
      const onlyRebuilt = await difference(trx, rebuilt, live);
      if (onlyLive.count + onlyRebuilt.count === 0) continue;
      differences.push({
        table,
        onlyLive: onlyLive.count,
        onlyRebuilt: onlyRebuilt.count,
        examples: [
          ...onlyLive.examples.map((row) => ({ side: 'live' as const, row })),
          ...onlyRebuilt.examples.map((row) => ({ side: 'rebuilt' as const, row })),
        ],
      });
    }
    await sql`drop schema ${sql.id(REBUILD_SCHEMA)} cascade`.execute(trx);
    return { ...built, differences };
  });
}
