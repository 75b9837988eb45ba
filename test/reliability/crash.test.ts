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

describeOnPostgres('crash: SIGKILL under write load, restart', () => {
  it('keeps every write that got a 2xx, none partial, the projection consistent', async () => {
    const url = (database.config.storage as { url: string }).url;
    const port = await freePort();
    const traffic = newTraffic();
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
      });
      expect(kills).toBe(KILLS);
      expect(traffic.serverErrors).toEqual([]);
      expect(after.acknowledged.length).toBeGreaterThan(0);
      expect(missing).toEqual([]);
      // Events nobody was told about can only come from requests cut off by a kill.
      expect(log.events - acknowledged.length).toBeLessThanOrEqual(traffic.unanswered);
      expect(log.problems).toEqual([]);
    } finally {
      await db.destroy();
    }
  });
});
