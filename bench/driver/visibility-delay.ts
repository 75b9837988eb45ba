import { createHash } from 'node:crypto';
import { TAG_MEDIA_TYPE } from '@tag-history/domain';
import { type Measurement, quantile } from '../measurement';
import type { VisibilityLoad } from './load-spec';

// A write another instance never shows within this long is an error.
const GIVE_UP_MS = 10_000;

/**
 * Another instance's write, as a client sees it: each writer reads its tag on
 * the reading instance (so that it holds the tag in memory), moves it on the
 * writing instance, and from the PUT's 2xx reads it on the reading instance
 * back to back until the ETag is the new version. The delay runs from the
 * 2xx to the first read that shows it; each read is a round trip, so the
 * figure includes up to one round trip of the reader. One process, one clock.
 */
export async function runVisibility(spec: VisibilityLoad, seconds: number): Promise<Measurement> {
  const delays: number[] = [];
  let errors = 0;
  let writes = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  const salt = `${process.pid}-${Date.now()}`;
  await Promise.all(
    Array.from({ length: spec.connections }, async (_, w) => {
      const tag = `visible-${w}`;
      const path = `/v2/${spec.repository}/_tags/${tag}`;
      for (let n = 0; performance.now() < end; n++) {
        try {
          await fetch(`${spec.readUrl}${path}`).then((r) => r.arrayBuffer());
          const target = {
            mediaType: 'application/vnd.oci.image.manifest.v1+json',
            size: 1234,
            digest: `sha256:${createHash('sha256').update(`${salt}-${w}-${n}`).digest('hex')}`,
          };
          const res = await fetch(`${spec.writeUrl}${path}`, {
            method: 'PUT',
            headers: { 'content-type': TAG_MEDIA_TYPE },
            body: JSON.stringify({ name: spec.repository, tag, target }),
          });
          const acknowledged = performance.now();
          await res.arrayBuffer();
          writes++;
          if (!res.ok) {
            errors++;
            continue;
          }
          const version = res.headers.get('etag');
          for (;;) {
            const read = await fetch(`${spec.readUrl}${path}`);
            await read.arrayBuffer();
            if (read.headers.get('etag') === version) {
              delays.push(performance.now() - acknowledged);
              break;
            }
            if (performance.now() - acknowledged > GIVE_UP_MS) {
              errors++;
              break;
            }
          }
        } catch {
          errors++;
        }
      }
    }),
  );
  const elapsed = (performance.now() - start) / 1000;
  delays.sort((a, b) => a - b);
  return { ops: delays.length, seconds: elapsed, opsPerSec: writes / elapsed, p50Ms: quantile(delays, 0.5), p99Ms: quantile(delays, 0.99), errors };
}
