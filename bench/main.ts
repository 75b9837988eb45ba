import { join, resolve } from 'node:path';
import pg from 'pg';
import { Bench } from './bench';
import { createBenchDatabase } from './bench-database';
import { prepareRawTables } from './driver/raw-postgres';
import { describeMachine, loadAverage } from './machine';
import { parseOptions } from './options';
import { toMarkdown } from './report/markdown';
import { writeResults } from './report/write-results';
import type { BenchResults } from './results';
import { startService } from './service-process';
import { workloads } from './workloads';

// dist/bench/main.js -> <repo>/bench/results
const RESULTS = resolve(__dirname, '../../bench/results');

/**
 * `npm run bench [-- --quick]`: a fresh database, the service in its own
 * process, load from driver processes; every workload in workloads/index.ts.
 * Exits non-zero on errors (failed requests, workloads that threw), never on timings.
 */
async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const selected = workloads.filter((w) => options.only.length === 0 || options.only.includes(w.name));
  if (selected.length === 0) throw new Error(`no workload named ${options.only.join(', ')}; known: ${workloads.map((w) => w.name).join(', ')}`);

  const database = await createBenchDatabase(options.adminUrl);
  console.log(`benchmark database ${database.name}${options.quick ? ' (quick)' : ''}`);
  const profiles = join(RESULTS, 'profiles');
  const service = await startService(database.url, options.cpuProf ? { cpuProfDir: profiles } : {});
  const pool = new pg.Pool({ connectionString: database.url, max: 4 });
  const results: BenchResults = {
    startedAt: new Date().toISOString(),
    machine: await describeMachine(pool),
    options: { ...options, adminUrl: undefined },
    rows: [],
    series: [],
    profiles: [],
    notes: [],
    errors: [],
  };
  try {
    await prepareRawTables(pool);
    const bench = new Bench(options, service, database.url, pool, results, profiles);
    for (const workload of selected) {
      console.log(`== ${workload.name}: ${workload.title}`);
      const started = Date.now();
      try {
        await workload.run(bench);
      } catch (error) {
        results.errors.push(`${workload.name}: ${error instanceof Error ? error.message : String(error)}`);
        console.error(error);
      }
      console.log(`   (${workload.name}: ${((Date.now() - started) / 1000).toFixed(0)} s)`);
    }
    results.notes.push(`service RSS at the end: ${Math.round(service.rssBytes() / 2 ** 20)} MiB`);
  } finally {
    await service.stop();
    await pool.end();
    if (options.keep) console.log(`kept database ${database.name}`);
    else await database.drop();
  }
  results.finishedAt = new Date().toISOString();
  results.machine.loadAverageEnd = loadAverage();
  const written = writeResults(options.quick ? join(RESULTS, 'quick') : RESULTS, results);
  console.log(`\n${toMarkdown(results)}\nwritten: ${written.join(', ')}`);
  if (results.errors.length > 0) process.exitCode = 1;
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
