import { connect } from '@tag-history/database';
import { verifyLog } from '@tag-history/event-store';
import type { Workload } from './workload';

const TARGET = 20_000;
// Events the service signed itself: the bulk-loaded ones carry no valid signature.
const REPOSITORY = 'bench/batch';

/**
 * Issue 7, workload 5: verifying the log (each event's Ed25519 signature,
 * columns and hash chain), in events per second, as the operator CLI's
 * `verify-log --repository` does it (the same library function, in this
 * process). It verifies the batch workload's repository: tens of thousands of
 * events the service signed under load, all of which must verify.
 */
export const verify: Workload = {
  name: 'verify',
  title: 'log verification (signatures and hash chains), events per second',
  async run(bench) {
    const { db } = connect({ kind: 'postgres', url: bench.databaseUrl, poolSize: 2 });
    try {
      const started = performance.now();
      const result = await verifyLog(db, { repository: REPOSITORY });
      const seconds = (performance.now() - started) / 1000;
      if (!result.ok) bench.results.errors.push(`verify: ${result.broken.length} problems in ${REPOSITORY}, e.g. ${JSON.stringify(result.broken[0])}`);
      bench.record({
        workload: 'verify',
        case: `log verification (verify-log --repository ${REPOSITORY})`,
        clients: 1,
        service: { ops: result.events, seconds, opsPerSec: result.events / seconds, p50Ms: 0, p99Ms: 0, errors: result.ok ? 0 : 1 },
        unit: 'event',
        target: { text: `≥ ${TARGET.toLocaleString('en-US')} events/s`, met: result.events / seconds >= TARGET },
        detail: `${result.events.toLocaleString('en-US')} events in ${seconds.toFixed(1)} s, ${result.ok ? 'all verified' : `${result.broken.length} problems`}`,
      });
    } finally {
      await db.destroy();
    }
  },
};
