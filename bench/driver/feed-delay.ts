import { createHash } from 'node:crypto';
import { TAG_MEDIA_TYPE } from '@tag-history/domain';
import { type Measurement, quantile } from '../measurement';
import type { FeedLoad } from './load-spec';

// How long after the last write the follower may take to deliver everything before the missing events count as errors.
const DRAIN_MS = 10_000;

interface FeedPage {
  events: { position: number }[];
  cursor: string;
}

/**
 * Writers PUT tags of the repository back to back; the follower reads the
 * feed of that repository. An event's delay runs from the moment its writer
 * had the 2xx (the commit, as a client sees it) to the moment the follower
 * had the event. Both ends are in this process, so they share a clock. A
 * negative delay means the follower had the event before the writer had its
 * answer. Errors: failed writes, and written events the follower never got.
 */
export async function runFeed(spec: FeedLoad, seconds: number): Promise<Measurement> {
  const committed = new Map<number, number>();
  const arrived = new Map<number, number>();
  const abort = new AbortController();
  const cursor = await endOfFeed(spec);
  const follower = (spec.follower === 'sse' ? followSse : followLongPoll)(spec, cursor, abort.signal, (position) => {
    if (!arrived.has(position)) arrived.set(position, performance.now());
  }).catch((error: unknown) => {
    if (!abort.signal.aborted) throw error;
  });
  // The follower's first request is on its way before the first write.
  await new Promise((r) => setTimeout(r, 200));

  let failed = 0;
  const start = performance.now();
  const end = start + seconds * 1000;
  const salt = `${process.pid}-${Date.now()}`;
  await Promise.all(
    Array.from({ length: spec.connections }, async (_, w) => {
      for (let n = 0; performance.now() < end; n++) {
        const tag = `w${w}`;
        const target = { mediaType: 'application/vnd.oci.image.manifest.v1+json', size: 1234, digest: digest(`${salt}-${w}-${n}`) };
        try {
          const res = await fetch(`${spec.url}/v2/${spec.repository}/_tags/${tag}`, {
            method: 'PUT',
            headers: { 'content-type': TAG_MEDIA_TYPE },
            body: JSON.stringify({ name: spec.repository, tag, target }),
          });
          const at = performance.now();
          const body = (await res.json()) as { events?: { position: number }[] };
          if (!res.ok || !body.events?.length) failed++;
          for (const e of body.events ?? []) committed.set(e.position, at);
        } catch {
          failed++;
        }
      }
    }),
  );
  const written = performance.now() - start;
  const deadline = performance.now() + DRAIN_MS;
  while ([...committed.keys()].some((p) => !arrived.has(p)) && performance.now() < deadline) await new Promise((r) => setTimeout(r, 20));
  abort.abort();
  await follower;

  const delays = [...committed].flatMap(([position, at]) => (arrived.has(position) ? [arrived.get(position)! - at] : [])).sort((a, b) => a - b);
  return {
    ops: delays.length,
    seconds: written / 1000,
    opsPerSec: committed.size / (written / 1000),
    p50Ms: quantile(delays, 0.5),
    p99Ms: quantile(delays, 0.99),
    errors: failed + committed.size - delays.length,
  };
}

/** The cursor after the last event of the repository now: the follower starts there. */
async function endOfFeed(spec: FeedLoad): Promise<string> {
  let cursor = '';
  for (;;) {
    const res = await fetch(`${spec.url}/v2/_events?repository=${spec.repository}&limit=1000&after=${cursor}`);
    if (!res.ok) throw new Error(`GET /v2/_events answered ${res.status}: ${await res.text()}`);
    const page = (await res.json()) as FeedPage;
    cursor = page.cursor;
    if (page.events.length === 0) return cursor;
  }
}

async function followLongPoll(spec: FeedLoad, after: string, signal: AbortSignal, onEvent: (position: number) => void): Promise<void> {
  let cursor = after;
  while (!signal.aborted) {
    const res = await fetch(`${spec.url}/v2/_events?repository=${spec.repository}&limit=1000&wait=30&after=${cursor}`, { signal });
    if (!res.ok) throw new Error(`GET /v2/_events?wait= answered ${res.status}: ${await res.text()}`);
    const page = (await res.json()) as FeedPage;
    for (const e of page.events) onEvent(e.position);
    cursor = page.cursor;
  }
}

async function followSse(spec: FeedLoad, after: string, signal: AbortSignal, onEvent: (position: number) => void): Promise<void> {
  const res = await fetch(`${spec.url}/v2/_events?repository=${spec.repository}&limit=1000&after=${after}`, {
    headers: { accept: 'text/event-stream' },
    signal,
  });
  if (!res.ok || !res.body) throw new Error(`GET /v2/_events (SSE) answered ${res.status}`);
  const decoder = new TextDecoder();
  let buffered = '';
  const reader = res.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    buffered += decoder.decode(value, { stream: true });
    const messages = buffered.split('\n\n');
    buffered = messages.pop()!;
    for (const message of messages) {
      const data = message.split('\n').find((line) => line.startsWith('data: '));
      if (data) onEvent((JSON.parse(data.slice(6)) as { position: number }).position);
    }
  }
}

function digest(seed: string): string {
  return `sha256:${createHash('sha256').update(seed).digest('hex')}`;
}
