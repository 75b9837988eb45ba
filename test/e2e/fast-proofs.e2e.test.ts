import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { verifyConsistency, verifyInclusion } from '@tag-history/transparency';
import { createApp } from '../../apps/api/src/create-app';
import { IntegratorLoop } from '../../apps/api/src/infrastructure/transparency/integrator-loop';
import { LogReader } from '../../apps/api/src/infrastructure/transparency/log-reader';
import { KEPT_TILE_BYTES, TileCache } from '../../apps/api/src/infrastructure/transparency/tile-cache';
import { putTag } from '../support/fixtures';
import { startTestApp, type TestApp } from '../support/test-app';

let t: TestApp;
// The same database through Nest alone: what the controllers answer.
let nest: NestFastifyApplication;
beforeAll(async () => {
  t = await startTestApp();
  nest = await createApp(t.infrastructure, { logger: false, fastPaths: false });
  await nest.init();
}, 180_000);
afterAll(async () => {
  await nest.close();
  await t.close();
});

// Differ between any two answers: when, which request, and the connection's own.
const OWN = new Set(['date', 'x-request-id', 'connection', 'keep-alive']);

async function answer(app: NestFastifyApplication, method: 'GET' | 'HEAD', url: string) {
  const res = await app.getHttpAdapter().getInstance().inject({ method, url });
  const headers = Object.fromEntries(Object.entries(res.headers).filter(([name]) => !OWN.has(name)));
  return { status: res.statusCode, headers, body: res.body };
}

const b64 = (s: string) => Buffer.from(s, 'base64');

describe('proofs answered from memory before Nest', () => {
  it('answer exactly what the controllers answer, GET and HEAD, good and bad parameters, and verify against the signed roots', async () => {
    // Over one tile of leaves: proofs read two level-0 tiles and the level-1 tile.
    for (let i = 0; i < 300; i += 10) {
      const batch = await Promise.all(Array.from({ length: 10 }, (_, j) => putTag(t.url, 'fast/proofs', `t${j}`, `v${i + j}`)));
      for (const res of batch) expect(res.status).toBeLessThan(300);
    }
    await t.app.get(IntegratorLoop).integrateNow();
    const checkpoints = (await t.infrastructure.db.selectFrom('log_checkpoints').select(['size', 'root']).where('size', '>', 0).orderBy('size').execute()).map(
      (c) => ({ size: Number(c.size), root: Buffer.from(c.root) }),
    );
    const latest = checkpoints.at(-1)!;
    expect(latest.size).toBeGreaterThan(256);
    const urls = [
      ...[1, 2, 255, 256, 257, latest.size].map((p) => `/v2/_log/proof/inclusion?position=${p}&size=${latest.size}`),
      `/v2/_log/proof/inclusion?size=${latest.size}&position=3`,
      `/v2/_log/proof/inclusion?position=1&size=${checkpoints[0]!.size}`,
      ...checkpoints.map((c) => `/v2/_log/proof/consistency?from=${c.size}&to=${latest.size}`),
      // Each goes the ordinary way: a 400 with the OCI body, or what Nest makes of the query.
      `/v2/_log/proof/inclusion?position=0&size=${latest.size}`,
      `/v2/_log/proof/inclusion?position=${latest.size + 1}&size=${latest.size}`,
      `/v2/_log/proof/inclusion?position=1&size=${latest.size + 1000}`,
      `/v2/_log/proof/inclusion?position=abc&size=${latest.size}`,
      `/v2/_log/proof/inclusion?position=1&position=2&size=${latest.size}`,
      `/v2/_log/proof/inclusion?position=01&size=${latest.size}`,
      `/v2/_log/proof/inclusion?position=1`,
      `/v2/_log/proof/inclusion`,
      `/v2/_log/proof/consistency?from=${latest.size}&to=${checkpoints[0]!.size}`,
      `/v2/_log/proof/consistency?from=0&to=${latest.size}`,
      `/v2/_log/proof/consistency?from=1234567&to=${latest.size}`,
    ];
    const reader = t.app.get(LogReader);
    for (const url of urls) {
      // Twice: the first answer is Nest's (the size is not known signed yet, or a tile not kept), the second from memory.
      for (const round of [1, 2]) {
        for (const method of ['GET', 'HEAD'] as const) {
          const expected = await answer(nest, method, url);
          expect([url, method, round, await answer(t.app, method, url)]).toEqual([url, method, round, expected]);
        }
      }
      const expected = await answer(nest, 'GET', url);
      if (expected.status !== 200) {
        expect([url, (JSON.parse(expected.body) as { errors: { code: string }[] }).errors[0]!.code]).toEqual([url, 'PARAMETER_INVALID']);
      } else if (url.includes('inclusion')) {
        // Sizes from the answer: `size` may have been left to default to the latest.
        const proof = JSON.parse(expected.body) as { position: number; leafIndex: number; treeSize: number; leafHash: string; hashes: string[] };
        expect(reader.inclusionJson(proof.position, proof.treeSize)).toBe(expected.body);
        const root = checkpoints.find((c) => c.size === proof.treeSize)!.root;
        verifyInclusion(proof.leafIndex, proof.treeSize, b64(proof.leafHash), proof.hashes.map(b64), root);
      } else {
        const proof = JSON.parse(expected.body) as { from: number; to: number; hashes: string[] };
        expect(reader.consistencyJson(proof.from, proof.to)).toBe(expected.body);
        verifyConsistency(proof.from, proof.to, checkpoints.find((c) => c.size === proof.from)!.root, latest.root, proof.hashes.map(b64));
      }
    }
    // Not from memory: an unsigned size, a position outside the tree, a size not yet looked up.
    expect(reader.inclusionJson(1, latest.size + 1000)).toBeUndefined();
    expect(reader.inclusionJson(latest.size + 1, latest.size)).toBeUndefined();
    expect(new LogReader(t.infrastructure.db).inclusionJson(1, latest.size)).toBeUndefined();
  });
});

describe('proofs with a cache smaller than their tiles', () => {
  it('answer every proof though offering the tiles read for it evicts those it found kept', async () => {
    const { db } = t.infrastructure;
    const signedSize = async () => Number((await db.selectFrom('log_checkpoints').select('size').orderBy('size', 'desc').executeTakeFirstOrThrow()).size);
    for (let i = 0; (await signedSize()) <= 2 * 256; i++) {
      await Promise.all(Array.from({ length: 20 }, (_, j) => putTag(t.url, 'small/cache', `t${j}`, `s${i}-${j}`)));
      await t.app.get(IntegratorLoop).integrateNow();
    }
    const size = await signedSize();
    const truth = new LogReader(db);
    // Room for one tile or two: a proof across two or three tiles finds one kept, reads the others, and keeping those evicts it.
    // None (TILE_CACHE_MB=0): every proof reads its tiles.
    for (const bytes of [0, KEPT_TILE_BYTES, 2 * KEPT_TILE_BYTES]) {
      const small = new LogReader(db, new TileCache(bytes));
      for (const position of [1, 129, 256, 257, 300, size, 129, 300, 1]) {
        expect([bytes, position, await small.inclusion(position, size)]).toEqual([bytes, position, await truth.inclusion(position, size)]);
        expect(await small.inclusions([position, 1, size], size)).toEqual(await truth.inclusions([position, 1, size], size));
      }
      const first = Number((await db.selectFrom('log_checkpoints').select('size').where('size', '>', 0).orderBy('size').executeTakeFirstOrThrow()).size);
      expect(await small.consistency(first, size)).toEqual(await truth.consistency(first, size));
    }
  });
});
