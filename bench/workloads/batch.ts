import { createHash } from 'node:crypto';
import type autocannon from 'autocannon';
import type { Workload } from './workload';

const repository = 'bench/batch';
const MOVES = 100;
const CLIENTS = 8;
// Batch n moves the tags of group n % GROUPS: a group comes round again only
// after GROUPS batches, long after the batch before it on those tags ended,
// so batches (almost) never conflict. autocannon keeps no per-connection state to do better.
const GROUPS = 4 * CLIENTS;

const target = (seed: string) => ({
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  size: 1234,
  digest: `sha256:${createHash('sha256').update(seed).digest('hex')}`,
});
const operations = (op: 'create' | 'move', group: number, seed: string) =>
  Array.from({ length: MOVES }, (_, i) => ({ op, name: repository, tag: `g${group}-t${i}`, target: target(`${seed}-${group}-${i}`) }));

/** `POST /v2/_batch` of 100 moves (one transaction) to new digests. Runs in the load driver. */
export function batchRequests(): autocannon.Request[] {
  const salt = `${process.pid}-${Date.now()}`;
  let n = 0;
  return [
    {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      setupRequest: (request) => {
        n++;
        return { ...request, path: '/v2/_batch', body: JSON.stringify({ operations: operations('move', n % GROUPS, `${salt}-${n}`) }) };
      },
    },
  ];
}

/** Issue 17: a batch of 100 moves in one transaction, against one raw insert of 100 event-sized rows (pgbench); at least 0.5x. */
export const batch: Workload = {
  name: 'batch',
  title: 'batches of 100 moves (POST /v2/_batch, one transaction) vs raw 100-row insert',
  async run(bench) {
    for (let group = 0; group < GROUPS; group++) {
      const res = await fetch(`${bench.service.url}/v2/_batch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ operations: operations('create', group, 'created') }),
      });
      if (!res.ok) throw new Error(`creating the batch tags answered ${res.status}: ${await res.text()}`);
    }
    const requests = { module: __filename, name: 'batchRequests', params: {} };
    const row = await bench.compare({
      workload: 'batch',
      case: `batches of ${MOVES} moves, ${CLIENTS} clients`,
      clients: CLIENTS,
      requests,
      expect: [200],
      baseline: 'insert-100-events',
      target: 0.5,
      // A batch can take over a second on a busy machine: a 1-second --quick run may end before the first answer.
      seconds: Math.max(bench.options.seconds, 3),
    });
    row.detail =
      `${Math.round(row.service.opsPerSec * MOVES).toLocaleString('en-US')} moves/s vs ${Math.round((row.raw?.opsPerSec ?? 0) * MOVES).toLocaleString('en-US')} raw rows/s; ` +
      `${((row.service.serviceCpuMicrosPerOp ?? 0) / MOVES).toFixed(0)} µs service CPU per move`;
    await bench.roundTrips([{ row, requests, expect: [200] }]);
  },
};
