import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { connect } from '@tag-history/database';
import { verifyLog } from '@tag-history/event-store';
import { loadSigningKey } from '@tag-history/signing';
import { auditLog, httpLogClient, parsePinnedKeys } from '@tag-history/transparency';
import type { Bench } from '../bench';
import { integrated } from '../integrated';
import { loadSignedEvents } from '../load-signed-events';
import type { Measurement } from '../measurement';
import type { Workload } from './workload';

const TARGET = 20_000;
const AUDIT_TARGET = 50_000;
const REPOSITORY = 'bench/verify';

/**
 * Issue 12: verifying the log (each event's Ed25519 signature, columns and
 * hash chain) in events per second, as `verify-log --repository` does it (the
 * same library function, here in the bench process), and issue 19's `audit
 * --repository` of the same events through the service's API. The repository
 * is 100,000 events signed for real with the service's key (10,000 tags moved
 * round-robin), loaded straight into the log. Beside them, the bound: the
 * machine's own Ed25519 verifications per second on every core (node:crypto,
 * one worker thread per core, the same JWS), measured in the same run.
 */
export const verify: Workload = {
  name: 'verify',
  title: 'log verification and audit (signatures, hash chains, inclusion), events per second',
  async run(bench) {
    const events = bench.options.quick ? 2_000 : 100_000;
    const key = await loadSigningKey({ kind: 'file', path: join(bench.service.dataDir, 'signing-key.jwk'), generateIfMissing: false });
    const loading = performance.now();
    await loadSignedEvents(bench.pool, key, { repository: REPOSITORY, tags: Math.min(10_000, events / 10), events });
    console.log(`  ${events} signed events loaded in ${((performance.now() - loading) / 1000).toFixed(1)} s`);
    const raw = await ed25519Rate(bench);

    const { db } = connect({ kind: 'postgres', url: bench.databaseUrl, poolSize: 2 });
    try {
      const cpuBefore = process.cpuUsage();
      const started = performance.now();
      const result = await verifyLog(db, { repository: REPOSITORY });
      const seconds = (performance.now() - started) / 1000;
      const cpu = process.cpuUsage(cpuBefore);
      if (!result.ok) bench.results.errors.push(`verify: ${result.broken.length} problems in ${REPOSITORY}, e.g. ${JSON.stringify(result.broken[0])}`);
      const service: Measurement = { ops: result.events, seconds, opsPerSec: result.events / seconds, p50Ms: 0, p99Ms: 0, errors: result.ok ? 0 : 1 };
      bench.record({
        workload: 'verify',
        case: `log verification (verify-log --repository ${REPOSITORY}), ${availableParallelism()} verifier threads`,
        clients: 1,
        service: { ...service, serviceCpuMicrosPerOp: (cpu.user + cpu.system) / result.events },
        baseline: `Ed25519 verifications alone (node:crypto, ${availableParallelism()} threads)`,
        raw,
        ratio: service.opsPerSec / raw.opsPerSec,
        unit: 'event',
        target: { text: `≥ ${TARGET.toLocaleString('en-US')} events/s`, met: service.opsPerSec >= TARGET },
        detail: `${result.events.toLocaleString('en-US')} events in ${seconds.toFixed(1)} s, ${result.ok ? 'all verified' : `${result.broken.length} problems`}; CPU µs/op column: the verifying process (threads included), not Postgres`,
      });
    } finally {
      await db.destroy();
    }

    await integrated(bench);
    const keys = parsePinnedKeys([await (await fetch(`${bench.service.url}/v2/_log/key`)).text()]);
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    const audit = await auditLog({ client: httpLogClient(bench.service.url), keys, repository: REPOSITORY, now: new Date() });
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    if (audit.exit !== 0) bench.results.errors.push(`verify: audit --repository ${REPOSITORY} exited ${audit.exit}: ${audit.message}`);
    bench.record({
      workload: 'verify',
      case: `audit --repository ${REPOSITORY} (feed pages, tiles, signatures, chains)`,
      clients: 1,
      service: {
        ops: audit.events,
        seconds,
        opsPerSec: audit.events / seconds,
        p50Ms: 0,
        p99Ms: 0,
        errors: audit.exit === 0 ? 0 : 1,
        serviceCpuMicrosPerOp: (cpu.user + cpu.system) / Math.max(1, audit.events),
      },
      baseline: `Ed25519 verifications alone (node:crypto, ${availableParallelism()} threads)`,
      raw,
      ratio: audit.events / seconds / raw.opsPerSec,
      unit: 'event',
      target: { text: `≥ ${AUDIT_TARGET.toLocaleString('en-US')} events/s`, met: audit.events / seconds >= AUDIT_TARGET },
      detail: `${audit.events.toLocaleString('en-US')} events in ${seconds.toFixed(1)} s: ${audit.message}; CPU µs/op column: the auditor's process, not the service`,
    });
  },
};

const RAW_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const { createPublicKey, verify } = require('node:crypto');
const key = createPublicKey({ key: workerData.jwk, format: 'jwk' });
const [h, p, s] = workerData.jws.split('.');
const input = Buffer.from(h + '.' + p), signature = Buffer.from(s, 'base64url');
let n = 0;
const start = performance.now();
for (const end = Date.now() + workerData.ms; Date.now() < end; n++) if (!verify(null, input, key, signature)) throw new Error('does not verify');
parentPort.postMessage(n / ((performance.now() - start) / 1000));`;

/** The raw bound: node:crypto Ed25519 verifications of one of the loaded events' JWS, on every core at once. */
async function ed25519Rate(bench: Bench): Promise<Measurement> {
  const { rows } = await bench.pool.query<{ jws: string; public_jwk: unknown }>(
    `select e.jws, k.public_jwk from events e, signing_keys k where e.data->>'repository' = $1 and k.valid_until is null limit 1`,
    [REPOSITORY],
  );
  const ms = bench.options.quick ? 500 : 3_000;
  // Each thread times its own loop: starting the threads is not verifying.
  const rates = await Promise.all(
    Array.from({ length: availableParallelism() }, () => {
      const worker = new Worker(RAW_SOURCE, { eval: true, workerData: { jwk: rows[0]!.public_jwk, jws: rows[0]!.jws, ms } });
      return new Promise<number>((resolve, reject) => worker.once('message', resolve).once('error', reject));
    }),
  );
  const opsPerSec = rates.reduce((a, b) => a + b, 0);
  return { ops: Math.round((opsPerSec * ms) / 1000), seconds: ms / 1000, opsPerSec, p50Ms: 0, p99Ms: 0, errors: 0 };
}
