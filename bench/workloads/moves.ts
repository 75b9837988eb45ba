import { tagRequests } from './tag-requests';
import type { Workload } from './workload';

/** Issue 7, workload 1: tag moves, each signed and projected, against one-row-per-transaction inserts. */
export const moves: Workload = {
  name: 'moves',
  title: 'tag moves (PUT, signed and projected) vs raw one-insert-per-transaction',
  async run(bench) {
    for (const clients of [1, 32]) {
      await bench.compare({
        workload: 'moves',
        case: `moves, ${clients} client${clients === 1 ? '' : 's'}`,
        clients,
        requests: tagRequests('moveRequests', { repository: 'bench/moves', tags: 1000 }),
        expect: [200, 201],
        baseline: 'insert-event',
        ...(clients === 32 ? { target: 1.0 } : {}),
      });
    }
  },
};
