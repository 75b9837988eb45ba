import { connect } from '@tag-history/database';
import { auditLog, httpLogClient, parsePinnedKeys } from '@tag-history/transparency';
import { INTEGRATION_BATCH } from '../../apps/api/src/infrastructure/transparency/log-integrator';
import { verifyTree } from '../../apps/api/src/infrastructure/transparency/verify-tree';
import { combine, type Measurement } from '../measurement';
import { createTags } from './create-tags';
import { logRequests } from './log-requests';
import { tagRequests } from './tag-requests';
import type { Workload } from './workload';

const PROOF_P99_MS = 5;
// Proofs offered at this rate by the 32 clients together: below what the machine answers, so that p99 is the proofs' latency, not a queue's.
const PROOF_RATE = 64;
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
        const row = await db
          .selectFrom('log_head')
          .select((eb) => ['position', eb.selectFrom('log_tree').select('size').as('size')])
          .executeTakeFirstOrThrow();
        return { head: Number(row.position), size: Number(row.size) };
      };
      // Integration speed when behind: the checkpoints of full batches (INTEGRATION_BATCH leaves each) say how long each took.
      const batches = await db.selectFrom('log_checkpoints').select(['size', 'signed_at']).orderBy('size').execute();
      let leaves = 0;
      let seconds = 0;
      batches.forEach((b, i) => {
        const previous = batches[i - 1];
        if (
          previous &&
          Number(b.size) - Number(previous.size) === INTEGRATION_BATCH &&
          i > 1 &&
          Number(previous.size) - Number(batches[i - 2]!.size) === INTEGRATION_BATCH
        ) {
          leaves += INTEGRATION_BATCH;
          seconds += (b.signed_at.getTime() - previous.signed_at.getTime()) / 1000;
        }
      });
      const behind = await lag();
      if (leaves === 0) console.log('  integration: no catch-up of full batches in this run to measure (the log-size workload makes one)');
      else
        bench.record({
          workload: 'transparency',
          case: 'integration while catching up (batches of 10,000 after a bulk load)',
          clients: 1,
          service: { ops: leaves, seconds, opsPerSec: seconds > 0 ? leaves / seconds : 0, p50Ms: 0, p99Ms: 0, errors: 0 },
          unit: 'event',
          detail: `${leaves.toLocaleString('en-US')} events in consecutive full batches; the tree is ${behind.head - behind.size} events behind the log at ${behind.head.toLocaleString('en-US')}`,
        });

      // The tree's cost on writes: moves with the integrator running, against moves while the bench holds
      // log_tree's row lock, so that the service's integrator waits on it and integrates nothing. After each
      // held-off run the integrator catches up before the next run: a run with the tree pays for its own moves only.
      const caughtUp = async () => {
        for (let waited = 0; waited < 300_000; waited += 200) {
          const { head, size } = await lag();
          if (size >= head) return;
          await new Promise((r) => setTimeout(r, 200));
        }
        bench.results.errors.push('transparency: the integrator did not catch up within 5 minutes');
      };
      const on = [];
      const off = [];
      const moves = tagRequests('moveRequests', { repository: 'bench/transparency', tags: 1000 });
      // Every tag exists before anything is measured: the lookups beside the proofs below read them.
      await createTags(bench.service.url, 'bench/transparency', 1000);
      await caughtUp();
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
        await caughtUp();
      }
      // Where a move's time goes with the integrator running in the (profiled) service.
      if (bench.options.profile) await bench.profile('moves, 32 clients, integrator running', moves, 32, [200, 201]);
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

      // Proofs against the latest checkpoint, beside the cheapest read (a current-tag lookup) in the same rounds:
      // at 32 clients as fast as answered (p99 is then mostly queueing: 32 / throughput), and at a fixed rate.
      const sizes = (await db.selectFrom('log_checkpoints').select('size').where('size', '>', 0).orderBy('size', 'desc').limit(1000).execute()).map((r) =>
        Number(r.size),
      );
      const params = { size: sizes[0]!, from: sizes.slice(1).length > 0 ? sizes.slice(1) : [sizes[0]!] };
      const lookups = tagRequests('lookupRequests', { repository: 'bench/transparency', tags: 1000 });
      for (const rate of [undefined, PROOF_RATE]) {
        const runs = { lookup: [] as Measurement[], inclusion: [] as Measurement[], consistency: [] as Measurement[] };
        for (let round = 0; round < bench.options.rounds; round++) {
          runs.lookup.push(await bench.http(lookups, 32, [200], { rate }));
          runs.inclusion.push(await bench.http(logRequests('inclusionRequests', params), 32, [200], { rate }));
          runs.consistency.push(await bench.http(logRequests('consistencyRequests', params), 32, [200], { rate }));
        }
        const lookup = combine(runs.lookup);
        for (const name of ['inclusion', 'consistency'] as const) {
          const m = combine(runs[name]);
          bench.record({
            workload: 'transparency',
            case: `${name} proofs at ${params.size.toLocaleString('en-US')} events, 32 clients${rate ? ` offering ${rate} requests/s` : ''}`,
            clients: 32,
            service: m,
            baseline: `current-tag lookups, 32 clients${rate ? ` offering ${rate}/s` : ''}`,
            raw: lookup,
            ratio: rate ? lookup.p99Ms / m.p99Ms : m.opsPerSec / lookup.opsPerSec,
            target: { text: `p99 < ${PROOF_P99_MS} ms`, met: m.p99Ms < PROOF_P99_MS },
            detail: rate ? 'ratio: lookup p99 / proof p99' : 'ratio: proofs/s / lookups/s',
          });
        }
      }

      if (bench.options.profile) {
        for (const name of ['inclusion', 'consistency'] as const)
          await bench.profile(`${name} proofs, 32 clients`, logRequests(`${name}Requests`, params), 32, [200]);
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
