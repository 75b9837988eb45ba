import { loadRepository, settle } from '../bulk-load-log';
import type { Bench } from '../bench';
import type { Workload } from './workload';

const TAGS_PER_REPOSITORY = 10_000;
const TARGET_SECONDS = 5;
const TARGET_RSS_MIB = 64;
// A week's recovery window: the recent moves of the workloads before count too; the bulk-loaded closed intervals are months old.
const RETENTION = 'P7D';

/**
 * Issue 7, workload 4: `GET /v2/_gc/referenced?retention=P7D` streamed to its end with
 * 10^4, 10^5 and 10^6 current tags, and the service's resident memory
 * sampled meanwhile. The tags are added with SQL (repositories `gc/c<n>` of
 * 10,000 tags, one TagCreated each) until the database holds that many
 * current tags, counting those of the workloads before; the log-size
 * workload's closed intervals are months old, outside any retention window.
 */
export const gc: Workload = {
  name: 'gc',
  title: 'GC referenced set (GET /v2/_gc/referenced) against the number of current tags',
  async run(bench) {
    const sizes = bench.options.gcTags;
    for (const size of sizes) {
      const started = Date.now();
      for (let tags = await currentTags(bench); tags < size; tags = await currentTags(bench)) {
        const count = Math.min(TAGS_PER_REPOSITORY, size - tags);
        await loadRepository(bench.pool, { repository: `gc/c${tags}`, tags: count, events: count });
      }
      await settle(bench.pool);
      const tags = await currentTags(bench);
      console.log(`  ${tags} current tags (${((Date.now() - started) / 1000).toFixed(1)} s to load)`);
      const read = await readReferencedSet(bench);
      const growthMiB = read.rssGrowthBytes / 2 ** 20;
      const seconds = read.totalMs / 1000;
      bench.record({
        workload: 'gc',
        case: `GC referenced set (retention=${RETENTION}), ${tags.toLocaleString('en-US')} current tags`,
        clients: 1,
        service: {
          ops: read.lines,
          seconds,
          opsPerSec: read.lines / seconds,
          p50Ms: read.firstByteMs,
          p99Ms: read.totalMs,
          errors: read.status === 200 ? 0 : 1,
        },
        unit: 'line',
        ...(size === 1_000_000
          ? { target: { text: `≤ ${TARGET_SECONDS} s, RSS growth < ${TARGET_RSS_MIB} MB`, met: seconds <= TARGET_SECONDS && growthMiB < TARGET_RSS_MIB } }
          : size === 10_000_000
            ? { target: { text: `RSS growth < ${TARGET_RSS_MIB} MB`, met: growthMiB < TARGET_RSS_MIB } }
            : {}),
        detail: `${read.lines.toLocaleString('en-US')} lines (${(read.bytes / 2 ** 20).toFixed(1)} MiB) in ${seconds.toFixed(2)} s; first byte after ${read.firstByteMs.toFixed(0)} ms (p50 column), last after ${read.totalMs.toFixed(0)} ms (p99 column); service RSS ${(read.rssBeforeBytes / 2 ** 20).toFixed(0)} MiB before, +${growthMiB.toFixed(1)} MiB at most`,
      });
    }
  },
};

async function currentTags(bench: Bench): Promise<number> {
  const { rows } = await bench.pool.query<{ n: string }>('select count(*) as n from tags');
  return Number(rows[0]!.n);
}

/** Streams the referenced set, counting lines and bytes only, while sampling the service's RSS every 20 ms. */
async function readReferencedSet(bench: Bench) {
  const rssBeforeBytes = bench.service.rssBytes();
  let rssMax = rssBeforeBytes;
  const sampler = setInterval(() => (rssMax = Math.max(rssMax, bench.service.rssBytes())), 20);
  const start = performance.now();
  try {
    const res = await fetch(`${bench.service.url}/v2/_gc/referenced?retention=${RETENTION}`);
    const reader = res.body!.getReader();
    let bytes = 0;
    let lines = 0;
    let firstByteMs = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (bytes === 0) firstByteMs = performance.now() - start;
      bytes += value.length;
      for (const byte of value) if (byte === 10) lines++;
    }
    const totalMs = performance.now() - start;
    rssMax = Math.max(rssMax, bench.service.rssBytes());
    return { status: res.status, lines, bytes, firstByteMs, totalMs, rssBeforeBytes, rssGrowthBytes: rssMax - rssBeforeBytes };
  } finally {
    clearInterval(sampler);
  }
}
