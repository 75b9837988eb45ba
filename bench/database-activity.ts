import type pg from 'pg';

/** Counters of the benchmark database, read before and after a run: their difference per operation says how it talked to Postgres. */
export interface Activity {
  commits: number;
  /** Statements executed (pg_stat_statements), when the server loads it. */
  statements?: number;
}

/**
 * Statement counts need pg_stat_statements in `shared_preload_libraries`,
 * which the bench cannot set on a shared server: it creates the extension in
 * its own database and uses it only if the server loaded the library.
 */
export async function statementStatsAvailable(pool: pg.Pool): Promise<boolean> {
  try {
    await pool.query('create extension if not exists pg_stat_statements');
    await pool.query('select 1 from pg_stat_statements limit 1');
    return true;
  } catch {
    return false;
  }
}

export async function readActivity(pool: pg.Pool, statements: boolean): Promise<Activity> {
  const { rows } = await pool.query<{ commits: string; statements: string | null }>(
    `select xact_commit as commits, ${
      statements ? '(select sum(calls) from pg_stat_statements s where s.dbid = d.datid)' : 'null'
    } as statements from pg_stat_database d where datname = current_database()`,
  );
  const row = rows[0]!;
  return { commits: Number(row.commits), ...(row.statements !== null ? { statements: Number(row.statements) } : {}) };
}
