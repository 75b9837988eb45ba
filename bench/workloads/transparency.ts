import { connect } from '@tag-history/database';
import { auditLog, httpLogClient, parsePinnedKeys } from '@tag-history/transparency';
import { INTEGRATION_BATCH } from '../../apps/api/src/infrastructure/transparency/log-integrator';
import { verifyTree } from '../../apps/api/src/infrastructure/transparency/verify-tree';
import { combine } from '../measurement';
import { logRequests } from './log-requests';
import { tagRequests } from './tag-requests';
import type { Workload } from './workload';

const PROOF_P99_MS = 5;
const MOVES_KEPT = 0.9;
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
      // Integration speed when behind: the checkpoints of full batches (INTEGRATION_BATCH leaves each) say how long each took.
      const batches = await db
        .selectFrom('log_checkpoints')
        .select(['size', 'signed_at'])
        .orderBy('size')
        .execute();
      let leaves = 0;
      let seconds = 0;
      batches.forEach((b, i) => {
        const previous = batches[i - 1];
        if (previous && Number(b.size) - Number(previous.size) === INTEGRATION_BATCH && i > 1 && Number(previous.size) - Number(batches[i - 2]!.size) === INTEGRATION_BATCH) {
          leaves += INTEGRATION_BATCH;
          seconds += (b.signed_at.getTime() - previous.signed_at.getTime()) / 1000;
        }
      });
      const behind = await lag();
      if (leaves === 0) console.log('  integration: no catch-up of full batches in this run to measure (the log-size workload makes one)');
      else bench.record({
        workload: 'transparency',
        case: 'integration while catching up (batches of 10,000 after a bulk load)',
        clients: 1,
        service: { ops: leaves, seconds, opsPerSec: seconds > 0 ? leaves / seconds : 0, p50Ms: 0, p99Ms: 0, errors: 0 },
        unit: 'event',
        detail: `${leaves.toLocaleString('en-US')} events in consecutive full batches; the tree is ${behind.head - behind.size} events behind the log at ${behind.head.toLocaleString('en-US')}`,
      });

      // The tree's cost on writes: moves with the integrator running, against moves while the bench holds
      // log_tree's row lock, so that the service's integrator waits on it and integrates nothing.
      const on = [];
      const off = [];
      const moves = tagRequests('moveRequests', { repository: 'bench/transparency', tags: 1000 });
      for (let round = 0; round < bench.options.rounds; round++) {
        on.push(await bench.http(moves, 32, [200, 201]));
        const holder = await bench.pool.connect();
        try {
          await holder.query('begin');
          await holder.query('select size from log_tree for update');
          off.push(await bench.http(moves, 32, [200, 201]));
        } finally {
          await holder.query('rollback').catch(() => undefined);
          holder.release();
        }
      }
      const [withTree, without] = [combine(on), combine(off)];
      const kept = withTree.opsPerSec / without.opsPerSec;
      bench.record({
        workload: 'transparency',
        case: 'moves, 32 clients, integrator running vs held off',
        clients: 32,
        service: withTree,
        baseline: 'moves with the integrator held off',
        raw: without,
        ratio: kept,
        target: { text: `≥ ${MOVES_KEPT.toFixed(1)}x`, met: kept >= MOVES_KEPT },
      });

      const sizes = (await db.selectFrom('log_checkpoints').select('size').where('size', '>', 0).orderBy('size', 'desc').limit(1000).execute()).map((r) => Number(r.size));
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
