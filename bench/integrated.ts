import type { Bench } from './bench';

/**
 * Waits until the transparency log has integrated the whole log: an audit
 * checks inclusion against the signed tree, and a measurement should not share
 * the service with the integrator catching up on a bulk load.
 */
export async function integrated(bench: Bench): Promise<void> {
  const { rows } = await bench.pool.query<{ position: string }>('select position from log_head where id = 1');
  const head = Number(rows[0]!.position);
  for (const deadline = Date.now() + 600_000; Date.now() < deadline; await new Promise((r) => setTimeout(r, 500))) {
    const checkpoint = await (await fetch(`${bench.service.url}/v2/_log/checkpoint`)).text();
    if (Number(checkpoint.split('\n')[1]) >= head) return;
  }
  throw new Error(`the transparency log did not integrate ${head} events in 10 minutes`);
}
