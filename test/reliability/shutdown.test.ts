import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@tag-history/database';
import { startService } from '../../bench/service-process';
import { readEventStream } from '../support/follow-feed';
import { createTestDatabase, type TestDatabase } from '../support/test-infrastructure';
import { missingWrites } from './support/acknowledged-write';
import { checkLog } from './support/check-log';
import { report } from './support/report';
import { newTraffic, runTraffic } from './support/tag-traffic';

// The service as a child process (dist/, built by `npm run test:reliability`), on Postgres or on PGlite.
let database: TestDatabase;
let dataDir: string;
beforeAll(async () => {
  database = await createTestDatabase();
  dataDir = mkdtempSync(join(tmpdir(), 'tag-history-shutdown-'));
});
afterAll(async () => {
  await database.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('graceful shutdown: SIGTERM under write load', () => {
  it('answers or refuses every request, commits every acknowledged write whole, ends feed readers cleanly and exits 0 by itself', async () => {
    const storage = database.config.storage;
    const url = storage.kind === 'postgres' ? storage.url : undefined;
    // PGlite: the service's own data folder, read after it has exited.
    const serviceDir = storage.kind === 'postgres' ? dataDir : join(dataDir, 'service');
    const service = await startService(url, { dataDir: serviceDir, readyTimeoutMs: 180_000, env: { SHUTDOWN_TIMEOUT: 'PT10S', LOG_LEVEL: 'info' } });
    const traffic = newTraffic();
    let running = true;
    const load = runTraffic(
      {
        url: service.url,
        repository: 'shutdown/app',
        tags: 20,
        clients: 16,
        mix: { move: 3, 'move-if-match': 1, delete: 1, batch: 1 },
        running: () => running,
      },
      traffic,
    );
    // A feed follower over SSE and a long-poll waiting past the end of the log: both must end when the service does.
    let streamed = 0;
    const stream = readEventStream(service.url, undefined, () => (streamed++, true)).then(
      () => 'ended',
      (error: Error) => `failed: ${error.message}`,
    );
    // A repository nobody writes: the long-poll waits its full minute unless the shutdown ends it.
    const longPoll = fetch(`${service.url}/v2/_events?repository=shutdown/quiet&wait=60`)
      .then(async (res) => ({ status: res.status, events: ((await res.json()) as { events: unknown[] }).events.length }))
      .catch((error: Error) => ({ status: 0, events: 0, error: error.message }));
    // SIGTERM once writes are flowing (a loaded machine with PGlite takes a while to get there).
    while (traffic.acknowledged.length < 10 || streamed === 0) await new Promise((r) => setTimeout(r, 100));
    const beforeSigterm = traffic.acknowledged.length;
    const exit = await service.terminate();
    running = false;
    await load;
    const streamEnd = await stream;
    const longPollAnswer = await longPoll;

    const { db } = connect(url ? { kind: 'postgres', url, poolSize: 2 } : { kind: 'pglite', dataDir: serviceDir });
    try {
      const missing = await missingWrites(db, traffic.acknowledged);
      const log = await checkLog(db);
      report('shutdown', {
        storage: storage.kind,
        'requests sent': traffic.sent,
        'writes acknowledged before SIGTERM': beforeSigterm,
        'writes acknowledged in all': traffic.acknowledged.length,
        'writes found in the log': traffic.acknowledged.length - missing.length,
        'events in log': log.events,
        statuses: JSON.stringify(traffic.statuses),
        'unanswered (refused connections after the listener closed)': traffic.unanswered,
        'SSE events read': streamed,
        'SSE stream': streamEnd,
        'long-poll': JSON.stringify(longPollAnswer),
        'exit code': `${exit.code} (signal ${exit.signal})`,
        'SIGTERM to exit (ms)': exit.ms,
      });
      expect(exit).toMatchObject({ code: 0, signal: null });
      expect(service.output()).toMatch(/"msg":"shut down in \d+ ms"/);
      expect(beforeSigterm).toBeGreaterThan(0);
      expect(missing).toEqual([]);
      expect(log.problems).toEqual([]);
      // No event nobody was told about: each write in flight at SIGTERM was finished and answered, none cut off.
      expect(log.events).toBe(traffic.acknowledged.length);
      expect(streamEnd).toBe('ended');
      expect(streamed).toBeGreaterThan(0);
      expect(longPollAnswer).toMatchObject({ status: 200 });
      // Refused while closing: 503 with the OCI body, never a 500.
      expect(traffic.serverErrors.filter((e) => !/-> 503 \{"errors":\[\{"code":"UNAVAILABLE"/.test(e))).toEqual([]);
    } finally {
      await db.destroy();
    }
  });
});
