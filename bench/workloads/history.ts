import type autocannon from 'autocannon';
import type { HttpBaseline } from '../bench';
import { loadRepository, settle } from '../bulk-load-log';
import type { Workload } from './workload';

const CLIENTS = 32;

/** A tag with `moves` moves, loaded with SQL: repository `bench/history-<moves>`, tag t0, its events at positions first..first+moves. */
interface LongTag {
  repository: string;
  moves: number;
  /** Position of the tag's first event (version 1). */
  first: number;
}

type HistoryRead = 'page10' | 'page100' | 'page100-newest' | 'at' | 'position';

const pick = (low: number, high: number) => low + Math.floor(Math.random() * (high - low + 1));
// Event times are 2026-01-01 plus the position in ms (see loadRepository); half a millisecond in is inside the version.
const timeOf = (position: number) => new Date(Date.parse('2026-01-01T00:00:00Z') + position).toISOString().replace('Z', '500Z');

/**
 * Reads of one tag's past, runs in the load driver. Pages start at a random
 * version (`last=`, so a deep cursor on the long tag) unless `-newest`; points
 * in time pick a random version's time or position.
 */
export function historyRequests({ tag, read }: { tag: LongTag; read: HistoryRead }): autocannon.Request[] {
  const versions = tag.moves + 1;
  const base = `/v2/${tag.repository}/_tags/t0`;
  const path = (): string => {
    switch (read) {
      case 'page10':
        return `${base}/history?n=10&last=${pick(Math.min(11, versions + 1), versions + 1)}`;
      case 'page100':
        return `${base}/history?n=100&last=${pick(101, versions + 1)}`;
      case 'page100-newest':
        return `${base}/history?n=100`;
      case 'at':
        return `${base}?at=${encodeURIComponent(timeOf(tag.first + pick(0, tag.moves)))}`;
      case 'position':
        return `${base}?position=${tag.first + pick(0, tag.moves)}`;
    }
  };
  return [{ method: 'GET', setupRequest: (request) => ({ ...request, path: path() }) }];
}

/**
 * Issue 7, workload 3: reads of a tag's past cost the same on a tag with 10
 * moves as on one with 100,000: the same read on both, alternating, and the
 * long tag's throughput over the short one's. "The same cost" is taken as
 * within 20 % (≥ 0.8x): closer than the machine's run-to-run noise.
 */
export const history: Workload = {
  name: 'history',
  title: 'history pages and point-in-time lookups: a tag with 100,000 moves vs one with 10',
  async run(bench) {
    const long = bench.options.quick ? 10_000 : 100_000;
    const load = async (moves: number): Promise<LongTag> => {
      const repository = `bench/history-${moves}`;
      const first = await loadRepository(bench.pool, { repository, tags: 1, events: moves + 1 });
      return { repository, moves, first };
    };
    const started = Date.now();
    const short = await load(10);
    const big = await load(long);
    await settle(bench.pool);
    console.log(`  loaded tags with 10 and ${long} moves in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    const requests = (tag: LongTag, read: HistoryRead) => ({ module: __filename, name: 'historyRequests', params: { tag, read } });
    // Issue 12: a page costs about what reading its rows costs: the same rows, by the same index, from pgbench.
    for (const [read, statement] of [
      ['page10', 'history-page-10'],
      ['page100', 'history-page-100'],
    ] as const) {
      const size = read === 'page10' ? 10 : 100;
      const row = await bench.compare({
        workload: 'history',
        case: `history page of ${size} events from a random version of a ${long.toLocaleString('en-US')}-move tag vs a raw select of its rows, ${CLIENTS} clients`,
        clients: CLIENTS,
        requests: requests(big, read),
        expect: [200],
        baseline: statement,
        target: 0.5,
      });
      await bench.ceiling(row, `/v2/${big.repository}/_tags/t0/history?n=${size}&last=${Math.floor(big.moves / 2)}`, requests(big, read), statement);
    }
    const sameReadShortTag = (read: HistoryRead) => ({ name: 'same read, 10-move tag', requests: requests(short, read), expect: [200] });
    const cases: [string, HistoryRead, HttpBaseline][] = [
      [`history page of 10 events from a random version: ${long.toLocaleString('en-US')} moves vs 10`, 'page10', sameReadShortTag('page10')],
      // A tag with 10 moves has no page of 100 events: the deep page is compared with the newest page of the same tag.
      [
        `history page of 100 events from a random version vs the newest page, ${long.toLocaleString('en-US')}-move tag`,
        'page100',
        { name: 'newest page, same tag', requests: requests(big, 'page100-newest'), expect: [200] },
      ],
      [`tag at a time (?at=) of a random version: ${long.toLocaleString('en-US')} moves vs 10`, 'at', sameReadShortTag('at')],
      [`tag at a log position (?position=) of a random version: ${long.toLocaleString('en-US')} moves vs 10`, 'position', sameReadShortTag('position')],
    ];
    for (const [name, read, baseline] of cases) {
      await bench.compare({
        workload: 'history',
        case: `${name}, ${CLIENTS} clients`,
        clients: CLIENTS,
        requests: requests(big, read),
        expect: [200],
        baseline,
        target: 0.8,
      });
    }
  },
};
