import { copyTagsToRaw } from '../driver/raw-postgres';
import { createTags } from './create-tags';
import { tagRequests } from './tag-requests';
import type { Workload } from './workload';

const repository = 'bench/lookups';
const tags = 1000;

/** Issue 7, workload 2: current-tag lookups against primary-key selects on a copy of the same rows. */
export const lookups: Workload = {
  name: 'lookups',
  title: 'current-tag lookups (GET) vs raw primary-key select',
  async run(bench) {
    await createTags(bench.service.url, repository, tags);
    await copyTagsToRaw(bench.pool);
    await bench.compare({
      workload: 'lookups',
      case: 'current-tag lookups, 32 clients',
      clients: 32,
      requests: tagRequests('lookupRequests', { repository, tags }),
      expect: [200],
      baseline: 'select-tag',
      target: 0.8,
    });
  },
};
