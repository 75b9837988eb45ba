import { compared } from '../bench';
import type { Measurement } from '../measurement';
import { createTags } from './create-tags';
import { tagRequests } from './tag-requests';
import type { Workload } from './workload';

const spread = tagRequests('moveRequests', { repository: 'bench/moves', tags: 1000 });
// One tag, t0, that exists before the run: every unconditional PUT to it is a move and must answer 200.
const HOT = 'bench/hot-tag';
const hot = tagRequests('moveRequests', { repository: HOT, tags: 1 });

/**
 * Issue 17's moves: tag moves (PUT without If-Match, signed and projected)
 * against pgbench's one-insert-per-transaction, at 1 client (p50 latency) and
 * 32 clients over 1,000 tags (throughput); and 32 clients all on one tag,
 * against the 1,000-tag figure of the same rounds.
 */
export const moves: Workload = {
  name: 'moves',
  title: 'tag moves (PUT, signed and projected) vs raw one-insert-per-transaction; one hot tag vs 1,000 tags',
  async run(bench) {
    const single = await bench.compare({
      workload: 'moves',
      case: 'moves, 1 client',
      clients: 1,
      requests: spread,
      expect: [200, 201],
      baseline: 'insert-event',
      p50Target: 3,
    });

    await createTags(bench.service.url, HOT, 1);
    const m = await bench.rounds({
      raw: () => bench.pgbench('insert-event', 32),
      rawNode: () => bench.nodePg('insert-event', 32),
      spread: () => bench.http(spread, 32, [200, 201]),
      // Every PUT must answer 200 (issue 17: unconditional moves of one tag apply one after the other); at least 3 s, as a
      // queue of 32 moves on one tag can take over a second on a busy machine, longer than a --quick run.
      hot: () => bench.http(hot, 32, [200], { seconds: Math.max(bench.options.seconds, 3) }),
    });
    const rawSimple = await bench.pgbench('insert-event', 32, 'simple');
    const many = compared({
      workload: 'moves',
      case: 'moves, 32 clients over 1,000 tags',
      clients: 32,
      baseline: 'insert-event (pgbench)',
      service: m.spread,
      raw: m.raw,
      rawNode: m.rawNode,
      rawSimple,
      target: 1.0,
    });
    bench.record(many);
    const conflicts = m.hot.statuses?.['409'] ?? 0;
    const hotTag = compared({
      workload: 'moves',
      case: 'moves, 32 clients all on one tag',
      clients: 32,
      baseline: 'moves, 32 clients over 1,000 tags',
      service: succeeded(m.hot, 200),
      raw: m.spread,
    });
    hotTag.target = { text: 'no errors, ≥ 0.5x', met: m.hot.errors === 0 && hotTag.ratio! >= 0.5 };
    hotTag.detail = `${conflicts.toLocaleString('en-US')} of ${m.hot.ops.toLocaleString('en-US')} answered 409 CONFLICT; ops/s counts the 200s, latencies all answers`;
    bench.record(hotTag);

    await bench.roundTrips([
      { row: single, requests: spread, expect: [200, 201] },
      { row: many, requests: spread, expect: [200, 201] },
      { row: hotTag, requests: hot, expect: [200, 409] },
    ]);
    if (bench.options.profile) await bench.profile('moves, 32 clients over 1,000 tags', spread, 32, [200, 201]);
  },
};

/** Only the answers with `status` count as operations. */
function succeeded(m: Measurement, status: number): Measurement {
  const ops = m.statuses?.[String(status)] ?? 0;
  return { ...m, ops, opsPerSec: m.seconds === 0 ? 0 : ops / m.seconds };
}
