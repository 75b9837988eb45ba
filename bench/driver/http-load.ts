import autocannon from 'autocannon';
import type { Measurement } from '../measurement';
import type { HttpLoad } from './load-spec';

/** Runs autocannon with the requests the spec's factory builds. */
export async function runHttp(spec: HttpLoad, seconds: number): Promise<Measurement> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const factory = require(spec.requests.module)[spec.requests.name] as (params: unknown) => autocannon.Request[];
  const result = await autocannon({ url: spec.url, connections: spec.connections, duration: seconds, requests: factory(spec.requests.params) });
  const statuses: Record<string, number> = {};
  let ops = 0;
  let unexpected = 0;
  for (const [code, { count }] of Object.entries(result.statusCodeStats ?? {}) as [string, { count: number }][]) {
    statuses[code] = Number(count);
    ops += Number(count);
    if (!spec.expect.includes(Number(code))) unexpected += Number(count);
  }
  return {
    ops,
    seconds: result.duration,
    opsPerSec: ops / result.duration,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors: result.errors + result.timeouts + unexpected,
    statuses,
  };
}
