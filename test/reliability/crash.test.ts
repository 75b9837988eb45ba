import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect } from '@tag-history/database';
import { freePort, startService } from '../../bench/service-process';
import { createTestDatabase, onPostgres, type TestDatabase } from '../support/test-infrastructure';
import { missingWrites } from './support/acknowledged-write';
import { checkLog } from './support/check-log';
import { report } from './support/report';
import { newTraffic, runTraffic } from './support/tag-traffic';

const KILLS = Number(process.env.RELIABILITY_KILLS ?? 6);

// The service runs as a child process (dist/, built by `npm run test:reliability`)
// on a Postgres database: a killed PGlite process would take its database with it.
const describeOnPostgres = onPostgres ? describe : describe.skip;

let database: TestDatabase;
let dataDir: string;
beforeAll(async () => {
  database = await createTestDatabase();
  dataDir = mkdtempSync(join(tmpdir(), 'tag-history-crash-'));
});
afterAll(async () => {
  await database.drop();
  rmSync(dataDir, { recursive: true, force: true });
});

/** A reader of the change feed that keeps its cursor across the service's deaths. */
interface Follower {
  cursor?: string;
  positions: number[];
  failedReads: number;
}

async function readFeed(base: string, follower: Follower): Promise<number> {
  const query = follower.cursor ? `?after=${follower.cursor}&limit=200` : '?limit=200';
  const res = await fetch(`${base}/v2/_events${query}`, { signal: AbortSignal.timeout(5_000) });
  if (!res.ok) throw new Error(`feed answered ${res.status}`);
  const body = (await res.json()) as { events: { position: number }[]; cursor: string };
  follower.positions.push(...body.events.map((e) => e.position));
  follower.cursor = body.cursor;
  return body.events.length;
}

async function follow(base: string, follower: Follower, running: () => boolean): Promise<void> {
  while (running()) {
    try {
      if ((await readFeed(base, follower)) === 0) await new Promise((r) => setTimeout(r, 20));
    } catch {
      follower.failedReads++;
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

describeOnPostgres('crash: SIGKILL under write load, restart', () => {
  it('keeps every write that got a 2xx, none partial, the projection consistent, and the feed resumes without gaps or repeats', async () => {
    const url = (database.config.storage as { url: string }).url;
    const port = await freePort();
    const traffic = newTraffic();
    const follower: Follower = { positions: [], failedReads: 0 };
    let following = true;
    const reader = follow(`http://127.0.0.1:${port}`, follower, () => following);
    let kills = 0;
    for (let cycle = 0; cycle < KILLS; cycle++) {
      const service = await startService(url, { port, dataDir });
      let running = true;
      const load = runTraffic(
        { url: service.url, repository: 'crash/app', tags: 20, clients: 16, mix: { move: 3, 'move-if-match': 1, delete: 1 }, running: () => running },
        traffic,
      );
      await new Promise((r) => setTimeout(r, 300 + Math.random() * 1700));
      await service.kill();
      kills++;
      running = false;
      await load;
    }

    // After the last restart the service must serve writes again on the same log.
    const service = await startService(url, { port, dataDir });
    let running = true;
    const after = newTraffic();
    const load = runTraffic({ url: service.url, repository: 'crash/app', tags: 20, clients: 4, mix: { move: 1 }, running: () => running }, after);
    await new Promise((r) => setTimeout(r, 500));
    running = false;
    await load;
    following = false;
    await reader;
    while ((await readFeed(service.url, follower)) > 0);
    await service.stop();

    const { db } = connect({ kind: 'postgres', url, poolSize: 2 });
    try {
      const acknowledged = [...traffic.acknowledged, ...after.acknowledged];
      const missing = await missingWrites(db, acknowledged);
      const log = await checkLog(db);
      report('crash', {
        'kills survived': kills,
        'requests sent': traffic.sent + after.sent,
        unanswered: traffic.unanswered,
        'writes acknowledged': acknowledged.length,
        'writes found': acknowledged.length - missing.length,
        'events in log': log.events,
        'feed events read': follower.positions.length,
        'feed reads failed while the service was down': follower.failedReads,
      });
      expect(kills).toBe(KILLS);
      expect(traffic.serverErrors).toEqual([]);
      expect(after.acknowledged.length).toBeGreaterThan(0);
      expect(missing).toEqual([]);
      // Events nobody was told about can only come from requests cut off by a kill.
      expect(log.events - acknowledged.length).toBeLessThanOrEqual(traffic.unanswered);
      expect(log.problems).toEqual([]);
      expect(follower.positions).toEqual(Array.from({ length: log.events }, (_, i) => i + 1));
    } finally {
      await db.destroy();
    }
  });
});
