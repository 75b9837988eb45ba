import { leafHash, TreeBuilder } from '@tag-history/transparency';
import { LogIntegrator } from '../../apps/api/src/infrastructure/transparency/log-integrator';
import { verifyTree } from '../../apps/api/src/infrastructure/transparency/verify-tree';
import { putTag } from '../support/fixtures';
import { startTestApp, type TestApp } from '../support/test-app';
import { IntegratorLoop } from '../../apps/api/src/infrastructure/transparency/integrator-loop';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

describe('the integrator', () => {
  it('two integrators racing in small batches build the tree a rebuild from the log gives, with one checkpoint per size', async () => {
    await t.app.get(IntegratorLoop).stop();
    for (let i = 0; i < 300; i += 10) {
      await Promise.all(Array.from({ length: 10 }, (_, j) => putTag(t.url, 'race/app', `t${j}`, `v${i + j}`)));
    }
    const db = t.infrastructure.db;
    const a = new LogIntegrator(db, t.infrastructure.logKeys, () => new Date(), 37);
    const b = new LogIntegrator(db, t.infrastructure.logKeys, () => new Date(), 64);
    const [sizeA, sizeB] = await Promise.all([a.integrateAll(), b.integrateAll()]);
    const events = await db.selectFrom('events').select(['position', 'jws']).orderBy('position').execute();
    expect(Math.max(sizeA, sizeB)).toBe(events.length);

    const rebuilt = new TreeBuilder(0, []);
    for (const e of events) rebuilt.append(leafHash(e.jws));
    const tree = await db.selectFrom('log_tree').selectAll().executeTakeFirstOrThrow();
    expect(Buffer.from(tree.root).toString('base64')).toBe(Buffer.from(rebuilt.root()).toString('base64'));
    expect(await verifyTree(db, 50)).toMatchObject({ ok: true, size: events.length, problems: [] });
    const latest = await db.selectFrom('log_checkpoints').select(['size', 'root']).orderBy('size', 'desc').limit(1).executeTakeFirstOrThrow();
    expect(Number(latest.size)).toBe(events.length);
    expect(Buffer.from(latest.root).equals(Buffer.from(tree.root))).toBe(true);
  });

  it('a tile edited in the database is found by the verification', async () => {
    const db = t.infrastructure.db;
    const tile = await db.selectFrom('log_tiles').selectAll().where('level', '=', 0).where('index', '=', 0).executeTakeFirstOrThrow();
    const edited = Buffer.from(tile.hashes);
    edited[40]! ^= 1;
    await db.updateTable('log_tiles').set({ hashes: edited }).where('level', '=', 0).where('index', '=', 0).execute();
    expect((await verifyTree(db)).problems).toContain('tile 0/0 differs from the log\'s');
    await db.updateTable('log_tiles').set({ hashes: tile.hashes }).where('level', '=', 0).where('index', '=', 0).execute();
  });
});
