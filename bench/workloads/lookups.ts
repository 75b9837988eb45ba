import { copyTagsToRaw } from '../driver/raw-postgres';
import { startService } from '../service-process';
import { createTags } from './create-tags';
import { tagRequests } from './tag-requests';
import type { Workload } from './workload';

const repository = 'bench/lookups';
const tags = 1000;
const CLIENTS = 32;
const WRITERS = 4;

/**
 * Issue 7, workload 2, and issue 12: current-tag lookups (answered from the
 * instance's memory) against primary-key selects on a copy of the same rows;
 * then how long another instance's write takes to show, while a second
 * instance serves the same 32-client lookups.
 */
export const lookups: Workload = {
  name: 'lookups',
  title: 'current-tag lookups (GET) vs raw primary-key select; visibility of another instance’s write',
  async run(bench) {
    await createTags(bench.service.url, repository, tags);
    await copyTagsToRaw(bench.pool);
    const lookupsRow = await bench.compare({
      workload: 'lookups',
      case: `current-tag lookups, ${CLIENTS} clients`,
      clients: CLIENTS,
      requests: tagRequests('lookupRequests', { repository, tags }),
      expect: [200],
      baseline: 'select-tag',
      target: 1.0,
    });
    await bench.ceiling(lookupsRow, `/v2/${repository}/_tags/t0`, tagRequests('lookupRequests', { repository, tags }), 'select-tag');

    const reader = await startService(bench.databaseUrl, { dataDir: bench.service.dataDir });
    try {
      const [visibility, load] = await Promise.all([
        bench.visibility(reader, repository, WRITERS),
        bench.http(tagRequests('lookupRequests', { repository, tags }), CLIENTS, [200], { service: reader }),
      ]);
      bench.record({
        workload: 'lookups',
        case: `visibility of another instance's write: ${WRITERS} writers on instance A, read on instance B under ${CLIENTS}-client lookups`,
        clients: WRITERS,
        service: visibility,
        unit: 'write',
        detail:
          `p50 / p99 is the delay from the PUT's 2xx on A to B answering the new version (polled back to back, so up to one round trip of B included); ` +
          `${visibility.ops.toLocaleString('en-US')} writes seen; B meanwhile answered ${load.opsPerSec.toFixed(0)} lookups/s (p99 ${load.p99Ms.toFixed(1)} ms, ${load.errors} errors)`,
      });
      if (load.errors > 0) bench.results.errors.push(`lookups / visibility: ${load.errors} failed lookups on instance B`);
    } finally {
      await reader.stop();
    }
  },
};
