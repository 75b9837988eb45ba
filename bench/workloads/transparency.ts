import { connect } from '@tag-history/database';
import { auditLog, httpLogClient, parsePinnedKeys } from '@tag-history/transparency';
import { verifyTree } from '../../apps/api/src/infrastructure/transparency/verify-tree';
import { logRequests } from './log-requests';
import type { Workload } from './workload';

const PROOF_P99_MS = 5;
const AUDIT_TARGET = 50_000;
// Events the service signed itself (the bulk-loaded ones carry no valid signature): what an auditor can check.
const AUDITED = 'bench/batch';

/**
 * Issue 19: the transparency log. How far behind the integrator is when
 * the workloads are done and how fast it catches up; proofs at 32 clients
 * on the whole log; a rebuild of the tree from the log; `audit --repository`.
 */
export const transparency: Workload = {
  name: 'transparency',
  title: 'transparency log: integration, proofs, tree rebuild, audit',
  async run(bench) {
    const { db } = connect({ kind: 'postgres', url: bench.databaseUrl, poolSize: 2 });
    try {
      const lag = async () => {
        const row = await db.selectFrom('log_head').select((eb) => ['position', eb.selectFrom('log_tree').select('size').as('size')]).executeTakeFirstOrThrow();
        return { head: Number(row.position), size: Number(row.size) };
      };
      const start = await lag();
      const started = performance.now();
      let now = start;
      while (now.size < start.head) {
        await new Promise((r) => setTimeout(r, 100));
        now = await lag();
      }
      const catchUp = (performance.now() - started) / 1000;
      const caught = now.size - start.size;
      bench.record({
        workload: 'transparency',
        case: 'integration catch-up (the service integrating what it had not yet)',
        clients: 1,
        service: { ops: caught, seconds: catchUp, opsPerSec: caught > 0 ? caught / catchUp : 0, p50Ms: 0, p99Ms: 0, errors: 0 },
        unit: 'event',
        detail: `${start.head - start.size} events behind at ${start.head.toLocaleString('en-US')}; integrated in ${catchUp.toFixed(1)} s`,
      });

      const sizes = (await db.selectFrom('log_checkpoints').select('size').orderBy('size', 'desc').limit(1000).execute()).map((r) => Number(r.size));
      const params = { size: sizes[0]!, from: sizes.slice(1).length > 0 ? sizes.slice(1) : [sizes[0]!] };
      for (const [name, factory] of [['inclusion', 'inclusionRequests'], ['consistency', 'consistencyRequests']] as const) {
        const m = await bench.http(logRequests(factory, params), 32, [200]);
        bench.record({
          workload: 'transparency',
          case: `${name} proofs at ${params.size.toLocaleString('en-US')} events, 32 clients`,
          clients: 32,
          service: m,
          target: { text: `p99 < ${PROOF_P99_MS} ms`, met: m.p99Ms < PROOF_P99_MS },
        });
      }

      const rebuildStarted = performance.now();
      const tree = await verifyTree(db);
      const rebuild = (performance.now() - rebuildStarted) / 1000;
      if (!tree.ok) bench.results.errors.push(`transparency: the tree does not match a rebuild: ${tree.problems.slice(0, 3).join('; ')}`);
      bench.record({
        workload: 'transparency',
        case: 'tree rebuilt from the log and compared (GET /v2/_log/verify)',
        clients: 1,
        service: { ops: tree.size, seconds: rebuild, opsPerSec: tree.size / rebuild, p50Ms: 0, p99Ms: 0, errors: tree.ok ? 0 : 1 },
        unit: 'event',
        detail: tree.ok ? `matches at ${tree.size.toLocaleString('en-US')} events` : `${tree.problems.length} differences`,
      });

      const keys = parsePinnedKeys([await (await fetch(`${bench.service.url}/v2/_log/key`)).text()]);
      const auditStarted = performance.now();
      const result = await auditLog({ client: httpLogClient(bench.service.url), keys, repository: AUDITED, now: new Date() });
      const audit = (performance.now() - auditStarted) / 1000;
      if (result.exit !== 0) bench.results.errors.push(`transparency: audit --repository ${AUDITED} exited ${result.exit}: ${result.message}`);
      bench.record({
        workload: 'transparency',
        case: `audit --repository ${AUDITED}`,
        clients: 1,
        service: { ops: result.events, seconds: audit, opsPerSec: result.events / audit, p50Ms: 0, p99Ms: 0, errors: result.exit === 0 ? 0 : 1 },
        unit: 'event',
        target: { text: `≥ ${AUDIT_TARGET.toLocaleString('en-US')} events/s`, met: result.events / audit >= AUDIT_TARGET },
        detail: `${result.events.toLocaleString('en-US')} events in ${audit.toFixed(1)} s: ${result.message}`,
      });
    } finally {
      await db.destroy();
    }
  },
};
