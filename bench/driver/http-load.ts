import autocannon from 'autocannon';
import { type Measurement, quantile } from '../measurement';
import type { HttpLoad } from './load-spec';
import { runPaced } from './paced-http';

/**
 * Runs autocannon with the requests the spec's factory builds (at a fixed
 * rate, the paced driver instead: see paced-http.ts). Latencies are
 * taken from its response events: its own histogram has whole milliseconds
 * and only 2xx answers, too coarse beside pgbench's microseconds.
 */
export async function runHttp(spec: HttpLoad, seconds: number): Promise<Measurement> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const factory = require(spec.requests.module)[spec.requests.name] as (params: unknown) => autocannon.Request[];
  if (spec.rate) return runPaced({ ...spec, rate: spec.rate }, seconds, factory(spec.requests.params));
  const latencies: number[] = [];
  const instance = autocannon({
    url: spec.url,
    connections: spec.connections,
    duration: seconds,
    requests: factory(spec.requests.params),
  });
  instance.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  const result = await instance;
  latencies.sort((a, b) => a - b);
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
    p50Ms: quantile(latencies, 0.5),
    p99Ms: quantile(latencies, 0.99),
    errors: result.errors + result.timeouts + unexpected,
    statuses,
  };
}
