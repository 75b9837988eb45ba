import { checkProjections } from '@tag-history/projections';
import { createApp } from '../../apps/api/src/create-app';
import { openInfrastructure } from '../../apps/api/src/infrastructure/open-infrastructure';
import { startTestApp, type TestApp } from '../support/test-app';
import { onPostgres } from '../support/test-infrastructure';
import { missingWrites } from './support/acknowledged-write';
import { checkLog } from './support/check-log';
import { report } from './support/report';
import { newTraffic, runTraffic } from './support/tag-traffic';

const SECONDS = Number(process.env.RELIABILITY_LOAD_SECONDS ?? 20);

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

describe('load: 64 clients over 100 tags', () => {
  it('keeps every acknowledged write, without version gaps, and rebuilt projections equal the live ones', async () => {
    const traffic = newTraffic();
    const end = Date.now() + SECONDS * 1000;
    await runTraffic(
      {
        url: t.url,
        repository: 'load/app',
        tags: 100,
        clients: 64,
        mix: { move: 4, 'move-if-match': 2, delete: 1, restore: 1, batch: 1, read: 3 },
        running: () => Date.now() < end,
      },
      traffic,
    );
    const missing = await missingWrites(t.infrastructure.db, traffic.acknowledged);
    const log = await checkLog(t.infrastructure.db);
    const rebuilt = await checkProjections(t.infrastructure.db);
    const types = await t.infrastructure.db
      .selectFrom('events')
      .select(['type', (eb) => eb.fn.countAll<number>().as('n')])
      .groupBy('type')
      .execute();
    const byType = Object.fromEntries(types.map((r) => [r.type, Number(r.n)]));
    report('load', {
      seconds: SECONDS,
      'requests sent': traffic.sent,
      'writes acknowledged': traffic.acknowledged.length,
      'writes found': traffic.acknowledged.length - missing.length,
      unanswered: traffic.unanswered,
      'events in log': log.events,
      streams: log.streams,
      statuses: JSON.stringify(traffic.statuses),
      'events by type': JSON.stringify(byType),
      'succeeded by operation': JSON.stringify(traffic.succeeded),
      'projection rows differing from a rebuild': rebuilt.differences.reduce((n, d) => n + d.onlyLive + d.onlyRebuilt, 0),
      ...(traffic.unanswered > 0 ? { 'unanswered because': JSON.stringify(traffic.unansweredReasons) } : {}),
    });
    expect(traffic.serverErrors).toEqual([]);
    // On a saturated machine a client can lose an answer; the write may then be in the log unacknowledged.
    expect(traffic.unanswered).toBeLessThanOrEqual(traffic.sent / 100);
    expect(traffic.statuses['412']).toBeGreaterThan(0);
    expect(byType.TagRestored).toBeGreaterThan(0);
    expect(traffic.succeeded.batch).toBeGreaterThan(0);
    expect(byType.TagDeleted).toBeGreaterThan(0);
    expect(traffic.acknowledged.length).toBeGreaterThan(100);
    expect(missing).toEqual([]);
    // Every event in the log was acknowledged, or its request went unanswered.
    expect(log.events - traffic.acknowledged.length).toBeGreaterThanOrEqual(0);
    expect(log.events - traffic.acknowledged.length).toBeLessThanOrEqual(traffic.unanswered);
    expect(log.problems).toEqual([]);
    expect(rebuilt.differences).toEqual([]);
  });
});

// The write path's promise on one hot tag: unconditional writers never fail
// each other, even when two instances, each deciding on its own memory of the
// tag's head, write it at once. PGlite is one process: there, one instance.
describe('hot tag: 64 unconditional writers with deletes and restores, across two instances', () => {
  it('applies every unconditional move, keeps every acknowledged write in version order, and rebuilt projections equal the live ones', async () => {
    const second = onPostgres ? await openInfrastructure(t.infrastructure.database.config) : undefined;
    const app = second ? await createApp(second, { logger: false }) : undefined;
    if (app) await app.listen(0, '127.0.0.1');
    const urls = [t.url, ...(app ? [`http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`] : [])];
    try {
      const traffic = newTraffic();
      const end = Date.now() + (SECONDS / 2) * 1000;
      await Promise.all(
        urls.map((url) =>
          runTraffic(
            {
              url,
              repository: 'hot/app',
              tags: 1,
              clients: 64 / urls.length,
              mix: { move: 6, delete: 1, restore: 1 },
              unconditional: true,
              running: () => Date.now() < end,
            },
            traffic,
          ),
        ),
      );
      const missing = await missingWrites(t.infrastructure.db, traffic.acknowledged);
      const log = await checkLog(t.infrastructure.db);
      const rebuilt = await checkProjections(t.infrastructure.db);
      report('hot tag', {
        instances: urls.length,
        'requests sent': traffic.sent,
        'writes acknowledged': traffic.acknowledged.length,
        statuses: JSON.stringify(traffic.statuses),
        'succeeded by operation': JSON.stringify(traffic.succeeded),
      });
      expect(traffic.serverErrors).toEqual([]);
      // Unconditional writes are never refused for racing: no 409 and no 412 (a delete may find the tag deleted: 404).
      expect(traffic.statuses['409'] ?? 0).toBe(0);
      expect(traffic.statuses['412'] ?? 0).toBe(0);
      expect(traffic.succeeded.move ?? 0).toBeGreaterThan(100);
      expect(traffic.succeeded.delete ?? 0).toBeGreaterThan(0);
      expect(traffic.succeeded.restore ?? 0).toBeGreaterThan(0);
      expect(missing).toEqual([]);
      expect(log.problems).toEqual([]);
      expect(rebuilt.differences).toEqual([]);
    } finally {
      await app?.close();
      await second?.db.destroy();
    }
  });
});
