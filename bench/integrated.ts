import type { Bench } from './bench';

/** How long the checkpoint may stand still before the wait gives up. */
const STALLED_MS = 120_000;

/**
 * Waits until the transparency log has integrated the whole log and the tag
 * cache has followed it: an audit checks inclusion against the signed tree,
 * and a measurement should not share the service with either catching up on a bulk load. Gives up only
 * when the tree stops growing: catching up on 10^7 bulk-loaded events takes
 * far longer than any fixed bound that still catches a stuck integrator.
 */
export async function integrated(bench: Bench): Promise<void> {
  const { rows } = await bench.pool.query<{ position: string }>('select position from log_head where id = 1');
  const head = Number(rows[0]!.position);
  let size = -1;
  for (let moved = Date.now(); Date.now() - moved < STALLED_MS; await new Promise((r) => setTimeout(r, 500))) {
    const checkpoint = await (await fetch(`${bench.service.url}/v2/_log/checkpoint`)).text();
    // Both followers of the log: the transparency tree and the tag cache (-1: off, as on PGlite, which polls).
    const cache = Number(/^tag_history_tag_cache_position (\S+)$/m.exec(await (await fetch(`${bench.service.url}/metrics`)).text())?.[1] ?? -1);
    const now = Math.min(Number(checkpoint.split('\n')[1]), cache === -1 ? Infinity : cache);
    if (now >= head) return;
    if (now > size) [size, moved] = [now, Date.now()];
  }
  throw new Error(`the transparency log or the tag cache stopped at ${size} of ${head} events for ${STALLED_MS / 1000} s`);
}
