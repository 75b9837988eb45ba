import type { ChildProcess } from 'node:child_process';
import { sql } from 'kysely';
import { MAX_REFERENCED_STREAMS } from '../../apps/api/src/queries/gc-referenced/referenced-set.handler';
import { putTag } from '../support/fixtures';
import { startTestApp, type TestApp } from '../support/test-app';
import { onPostgres } from '../support/test-infrastructure';
import { stalledReader as stalled } from '../support/stalled-reader';

// Issue 18, finding 6: readers of the referenced set that stop reading never hold write connections.
// Seeding and streaming some 10 MB several times is slow on a loaded machine; nothing here asserts a time.
jest.setTimeout(240_000);

let t: TestApp;
const readers: ChildProcess[] = [];
beforeAll(async () => {
  // On PGlite the streams take turns on its one connection, and a write waits for all of them: a shorter timeout.
  process.env.GC_STREAM_IDLE_TIMEOUT = onPostgres ? 'PT3S' : 'PT1S';
  t = await startTestApp();
  delete process.env.GC_STREAM_IDLE_TIMEOUT;
  // About 10 MB of referenced set with reasons: more than the kernel buffers between a stalled reader and the server.
  await sql`
    insert into tags (repository, tag, media_type, size, digest, version, position, updated_at, updated_by)
    select 'bulk/gc', 't' || i, 'application/vnd.oci.image.manifest.v1+json', 1, 'sha256:' || md5(i::text) || md5('x' || i), 1, 0, now(), 'seed'
    from generate_series(1, 80000) as i`.execute(t.infrastructure.db);
});
afterAll(async () => {
  for (const reader of readers) reader.kill();
  await t.close();
});

function stalledReader(url: string): ChildProcess {
  const reader = stalled(url);
  readers.push(reader);
  return reader;
}

describe('finding 6: GC referenced-set streams on connections of their own, with an idle timeout', () => {
  it(`lets other writes through while more readers than the write pool has connections stop reading, answers 429 beyond ${MAX_REFERENCED_STREAMS} streams, and frees them after the idle timeout`, async () => {
    for (let i = 0; i < 17; i++) stalledReader(t.url);
    if (onPostgres) {
      // Once the stalled readers hold every stream there is (and only those), one more reader is told to retry.
      // (On PGlite the streams take turns on its one connection, and a probe may itself take a place.)
      let busy: { status: number; body: string } = { status: 0, body: '' };
      for (let tries = 0; busy.status !== 429 && tries < 100; tries++) {
        // More stalled readers while probing: stalled streams end at their idle timeout, and a probe that came too
        // late for the first ones still meets every place taken.
        if (tries % 5 === 4) for (let k = 0; k < MAX_REFERENCED_STREAMS; k++) stalledReader(t.url);
        await new Promise((r) => setTimeout(r, 100));
        const res = await fetch(`${t.url}/v2/_gc/referenced?repository=gc/writer`);
        busy = { status: res.status, body: await res.text() };
      }
      expect({ status: busy.status, body: JSON.parse(busy.body) }).toMatchObject({ status: 429, body: { errors: [{ code: 'TOO_MANY_REQUESTS' }] } });
    } else {
      await new Promise((r) => setTimeout(r, 1_000));
    }
    const writes = await Promise.all(Array.from({ length: 8 }, (_, i) => putTag(t.url, 'gc/writer', `w${i}`, `w${i}`)));
    expect(await Promise.all(writes.map(async (w) => `${w.status} ${w.status === 201 ? '' : await w.text()}`))).toEqual(writes.map(() => '201 '));
    // The stalled streams ended at their idle timeout, freeing their places: a reader gets a stream again.
    await new Promise((r) => setTimeout(r, 3_500));
    const res = await fetch(`${t.url}/v2/_gc/referenced?repository=gc/writer`);
    expect(res.status).toBe(200);
    const lines = (await res.text()).trim().split('\n');
    expect(JSON.parse(lines[lines.length - 1]!)).toEqual({ count: 8 });
  });
});
