import { execFileSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import type pg from 'pg';

export const loadAverage = () =>
  loadavg()
    .map((n) => n.toFixed(2))
    .join(' ');

/** Where the figures came from, and what else was busy on the machine when the run started. */
export async function describeMachine(pool: pg.Pool): Promise<Record<string, unknown>> {
  const { rows } = await pool.query<{ version: string }>('select version()');
  return {
    cpu: cpus()[0]?.model ?? 'unknown',
    cpus: cpus().length,
    memoryGiB: Math.round(totalmem() / 2 ** 30),
    node: process.version,
    postgres: rows[0]!.version.split(' on ')[0],
    loadAverageStart: loadAverage(),
    busiestProcessesAtStart: busiestProcesses(),
  };
}

function busiestProcesses(): string[] {
  try {
    const out = execFileSync('ps', ['-eo', 'pcpu,comm', '--sort=-pcpu', '--no-headers'], { encoding: 'utf8' });
    return out
      .split('\n')
      .slice(0, 6)
      .map((l) => l.trim())
      .filter(Boolean);
  } catch {
    return [];
  }
}
