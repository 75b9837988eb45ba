import { bulkLoadLog } from '../bulk-load-log';
import { integrated } from '../integrated';
import { loadAverage } from '../machine';
import { copyTagsToRaw } from '../driver/raw-postgres';
import { microsPerOp } from '../measurement';
import type { Series } from '../results';
import { createTags } from './create-tags';
import { tagRequests } from './tag-requests';
import type { Workload } from './workload';

const repository = 'bench/log-size';
const tags = 1000;

/**
 * The scaling curves: the log is grown to each size with set-based SQL, and at
 * each size moves and lookups (32 clients) are measured beside the raw
 * baselines, whose tables do not grow: their lines show the machine's drift.
 */
export const logSize: Workload = {
  name: 'log-size',
  title: 'cost per operation against log size',
  async run(bench) {
    await createTags(bench.service.url, repository, tags);
    await copyTagsToRaw(bench.pool);
    const curves: Record<string, Series> = {
      move: { name: 'move (PUT), 32 clients', points: [] },
      lookup: { name: 'lookup (GET), 32 clients', points: [] },
      insert: { name: 'raw insert (pgbench), 32 clients', reference: true, points: [] },
      select: { name: 'raw PK select (pgbench), 32 clients', reference: true, points: [] },
    };
    for (const size of [...bench.options.sizes].sort((a, b) => a - b)) {
      const started = Date.now();
      const events = await bulkLoadLog(bench.pool, size, (n) => console.log(`  loaded ${n} events`));
      await integrated(bench);
      console.log(`  log at ${events} events (${((Date.now() - started) / 1000).toFixed(1)} s to load and integrate into the transparency log)`);
      // The curve's points are minutes apart on a shared machine: each says how busy it was.
      const load = loadAverage();
      const runs = {
        move: await bench.http(tagRequests('moveRequests', { repository, tags }), 32, [200, 201]),
        lookup: await bench.http(tagRequests('lookupRequests', { repository, tags }), 32, [200]),
        insert: await bench.pgbench('insert-event', 32),
        select: await bench.pgbench('select-tag', 32),
      };
      for (const [key, m] of Object.entries(runs)) {
        curves[key]!.points.push({ events, microsPerOp: microsPerOp(m) });
        if (m.errors > 0) bench.results.errors.push(`log-size ${key} at ${events} events: ${m.errors} failed operations`);
      }
      bench.results.notes.push(`log-size at ${events} events: load average ${load} before the runs, ${loadAverage()} after`);
      console.log(
        `  ${events} events: ${Object.entries(runs)
          .map(([k, m]) => `${k} ${microsPerOp(m).toFixed(0)} µs/op`)
          .join(', ')}`,
      );
    }
    bench.results.series.push(...Object.values(curves));
  },
};
