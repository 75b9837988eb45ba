import { Agent, request } from 'node:http';
import type autocannon from 'autocannon';
import { type Measurement, quantile } from '../measurement';
import type { HttpLoad } from './load-spec';

/**
 * An open-loop load at a fixed rate: arrivals a Poisson process of `rate`
 * per second, each sent on a free one of the `connections` keep-alive
 * connections (queued on the client while all are busy). A latency runs from
 * the arrival's scheduled time to the end of its answer, so that it includes
 * any wait the service caused but no burst the driver made. autocannon's
 * overallRate gives each connection its share per second and sends it at
 * the second's start: the connections' quotas arrive together, and p99 is
 * the queue of that burst.
 */
export async function runPaced(spec: HttpLoad & { rate: number }, seconds: number, requests: autocannon.Request[]): Promise<Measurement> {
  const agent = new Agent({ keepAlive: true, maxSockets: spec.connections });
  const latencies: number[] = [];
  const statuses: Record<string, number> = {};
  let errors = 0;
  const inFlight = new Set<Promise<void>>();
  const started = performance.now();
  const end = started + seconds * 1000;
  let arrival = started;
  for (let n = 0; ; n++) {
    arrival += (-Math.log(1 - Math.random()) * 1000) / spec.rate;
    if (arrival >= end) break;
    const wait = arrival - performance.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const scheduled = arrival;
    const sent = send(agent, spec.url, requests[n % requests.length]!).then(
      (status) => {
        latencies.push(performance.now() - scheduled);
        statuses[status] = (statuses[status] ?? 0) + 1;
        if (!spec.expect.includes(status)) errors++;
      },
      () => void errors++,
    );
    inFlight.add(sent);
    void sent.finally(() => inFlight.delete(sent));
  }
  await Promise.all(inFlight);
  agent.destroy();
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const ops = Object.values(statuses).reduce((a, b) => a + b, 0);
  return { ops, seconds: elapsed, opsPerSec: ops / elapsed, p50Ms: quantile(latencies, 0.5), p99Ms: quantile(latencies, 0.99), errors, statuses };
}

/** One request as autocannon would build it from `template`; resolves with the status once the whole body is read. */
function send(agent: Agent, url: string, template: autocannon.Request): Promise<number> {
  const built = (template.setupRequest ? template.setupRequest({ ...template }, {}) : template) as autocannon.Request;
  return new Promise((resolve, reject) => {
    const req = request(new URL(built.path ?? '/', url), { agent, method: built.method ?? 'GET', headers: built.headers }, (res) => {
      res.on('data', () => undefined);
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(built.body);
  });
}
