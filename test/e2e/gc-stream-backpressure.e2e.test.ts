import type { ChildProcess } from 'node:child_process';
import { sql } from 'kysely';
import { putTag } from '../support/fixtures';
import { startTestApp, type TestApp } from '../support/test-app';
import { onPostgres } from '../support/test-infrastructure';
import { stalledReader } from '../support/stalled-reader';

// Issue 12: the referenced set flows from the database socket to the client's at the client's pace.
// Seeding and streaming some 25 MB is slow on a loaded machine; nothing here asserts a throughput.
jest.setTimeout(120_000);

const TAGS = 200_000;
let t: TestApp;
let reader: ChildProcess | undefined;
beforeAll(async () => {
  // Far longer than the test: whatever ends a stream here is the client going away, not the idle timeout.
  process.env.GC_STREAM_IDLE_TIMEOUT = 'PT60S';
  t = await startTestApp();
  delete process.env.GC_STREAM_IDLE_TIMEOUT;
  // About 25 MB of lines with reasons: far more than the kernel buffers on the way from the database to a stalled client.
  await sql`
    insert into tags (repository, tag, media_type, size, digest, version, position, updated_at, updated_by)
    select 'bulk/bp', 't' || i, 'application/vnd.oci.image.manifest.v1+json', 1, 'sha256:' || md5(i::text) || md5('x' || i), 1, 0, now(), 'seed'
    from generate_series(1, ${TAGS}) as i`.execute(t.infrastructure.db);
});
afterAll(async () => {
  reader?.kill('SIGKILL');
  await t.close();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The backend running the copy for this test's database, if any. */
async function copyBackend(): Promise<{ pid: number; state: string; wait_event: string | null } | undefined> {
  const { rows } = await sql<{ pid: number; state: string; wait_event: string | null }>`
    select pid, state, wait_event from pg_stat_activity
    where datname = current_database() and pid <> pg_backend_pid() and query like 'copy (%'`.execute(t.infrastructure.db);
  return rows[0];
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, ms: number): Promise<T> {
  for (const end = Date.now() + ms; Date.now() < end; await sleep(100)) {
    const found = await probe();
    if (found !== undefined) return found;
  }
  throw new Error(`not within ${ms} ms: ${what}`);
}

describe('GET /v2/_gc/referenced with a client that stops reading', () => {
  it('stops reading the database while the client does not read, and ends the read at once when the client goes away', async () => {
    reader = stalledReader(t.url);
    if (onPostgres) {
      // The server is left waiting to write to the service's socket: the service does not read what it cannot send.
      const stalled = await until(
        'the copy waits on the service',
        async () => ((await copyBackend())?.wait_event === 'ClientWrite' ? copyBackend() : undefined),
        20_000,
      );
      await sleep(1_000);
      expect(await copyBackend()).toEqual({ pid: stalled.pid, state: 'active', wait_event: 'ClientWrite' });
      reader.kill('SIGKILL');
      // Its server process ends with the client, long before the idle timeout.
      await until('the copy ends', async () => ((await copyBackend()) === undefined ? true : undefined), 5_000);
    } else {
      // PGlite streams a page at a time on its one connection, which a write waits for while the stream lasts.
      await sleep(1_000);
      reader.kill('SIGKILL');
      const write = putTag(t.url, 'bp/after', 'v', 'x');
      const status = await Promise.race([write.then((res) => res.status), sleep(10_000).then(() => 'still waiting after 10 s')]);
      expect(status).toBe(201);
    }
    // Whole and in order afterwards: lines that straddle the database socket's reads are put together.
    const res = await fetch(`${t.url}/v2/_gc/referenced?repository=bulk/bp&reasons=true`);
    const lines = (await res.text()).trim().split('\n');
    expect(lines).toHaveLength(TAGS + 2);
    const rows = lines.slice(1, -1).map((line) => JSON.parse(line) as { digest: string; reasons: { tags: string[] } });
    expect(rows.every((row, i) => i === 0 || rows[i - 1]!.digest < row.digest)).toBe(true);
    expect(rows.every((row) => row.reasons.tags.length === 1)).toBe(true);
    expect(JSON.parse(lines[lines.length - 1]!)).toEqual({ count: TAGS });
  });
});
