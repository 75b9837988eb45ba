import { leafHash, TreeBuilder, verifyConsistency, verifyInclusion } from '@tag-history/transparency';
import { LogIntegrator } from '../../apps/api/src/infrastructure/transparency/log-integrator';
import { LogReader } from '../../apps/api/src/infrastructure/transparency/log-reader';
import { TileCache } from '../../apps/api/src/infrastructure/transparency/tile-cache';
import { verifyTree } from '../../apps/api/src/infrastructure/transparency/verify-tree';
import { putTag } from '../support/fixtures';
import { startTestApp, type TestApp } from '../support/test-app';
import { IntegratorLoop } from '../../apps/api/src/infrastructure/transparency/integrator-loop';

let t: TestApp;
// PGlite migrates a fresh database in-process: on a loaded machine that alone can take over a minute.
beforeAll(async () => {
  t = await startTestApp();
}, 180_000);
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
    expect((await verifyTree(db)).problems).toContain("tile 0/0 differs from the log's");
    await db.updateTable('log_tiles').set({ hashes: tile.hashes }).where('level', '=', 0).where('index', '=', 0).execute();
  });

  it("proofs from tiles kept in memory while the tree grows past them are a cold reader's, and verify against every checkpoint", async () => {
    const db = t.infrastructure.db;
    const b64 = (h: string) => Buffer.from(h, 'base64');
    const warm = new LogReader(db);
    // And a reader on the tiles an integrator hands over as it builds them.
    const tiles = new TileCache();
    const fed = new LogReader(db, tiles);
    const checkpoints: { size: number; root: Buffer }[] = [];
    const prove = async (size: number, root: Buffer) => {
      checkpoints.push({ size, root });
      const positions = Array.from({ length: size }, (_, i) => i + 1);
      const proofs = await warm.inclusions(positions, size);
      expect(proofs).toEqual(await new LogReader(db).inclusions(positions, size));
      expect(proofs).toEqual(await fed.inclusions(positions, size));
      for (const p of proofs) verifyInclusion(p.leafIndex, size, b64(p.leafHash), p.hashes.map(b64), root);
      // The proof endpoint's leaf comes from the tree, not the event: the same for an untouched log.
      for (const p of [1, Math.ceil(size / 2), size]) expect(await warm.inclusion(p, size)).toEqual(proofs[p - 1]);
      for (const from of checkpoints) {
        const proof = await warm.consistency(from.size, size);
        expect(proof).toEqual(await new LogReader(db).consistency(from.size, size));
        expect(proof).toEqual(await fed.consistency(from.size, size));
        verifyConsistency(from.size, size, from.root, root, proof.hashes.map(b64));
      }
    };
    const tree = await db.selectFrom('log_tree').select(['size', 'root']).executeTakeFirstOrThrow();
    await prove(Number(tree.size), Buffer.from(tree.root));
    // The tree grows after its partial tiles were kept: each new size needs them wider.
    for (let i = 0; i < 120; i += 10) {
      await Promise.all(Array.from({ length: 10 }, (_, j) => putTag(t.url, 'race/app', `t${j}`, `w${i + j}`)));
    }
    const integrator = new LogIntegrator(db, t.infrastructure.logKeys, () => new Date(), 23, tiles);
    for (let added = 1; added > 0;) {
      ({ added } = await integrator.integrate());
      const signed = await db.selectFrom('log_checkpoints').select(['size', 'root']).orderBy('size', 'desc').limit(1).executeTakeFirstOrThrow();
      if (added > 0) await prove(Number(signed.size), Buffer.from(signed.root));
    }
    expect(checkpoints.at(-1)!.size).toBe(420);
  });
});
