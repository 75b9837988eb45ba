import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { leafHash, nodeHash, splitPoint } from './hashes';
import { consistencyProof, inclusionProof, rootAt } from './merkle-proofs';
import { tileKey, tileNodeReader } from './tiles';
import { TreeBuilder } from './tree-builder';
import { verifyConsistency, verifyInclusion } from './verify-proofs';

const VECTORS = join(__dirname, '../../../test/fixtures/vectors/transparency-dev-merkle/testdata');
// The leaves transparency-dev/merkle's vectors are computed over (RFC 6962's test tree).
const RFC_LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map((h) => Buffer.from(h, 'hex'));

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => (statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : [join(dir, f)]));
}

const b64 = (s: string) => Buffer.from(s, 'base64');
const load = (f: string) => JSON.parse(readFileSync(f, 'utf8'));
const inclusionVectors = files(join(VECTORS, 'inclusion'));
const consistencyVectors = files(join(VECTORS, 'consistency'));

/** A tree built the way the integrator builds it, with its tiles as a node reader. */
function buildTree(leaves: Uint8Array[]) {
  const builder = new TreeBuilder(0, []);
  const tiles = new Map<string, Uint8Array[]>();
  for (const leaf of leaves) builder.append(leafHash(leaf));
  for (const t of builder.takeChanged()) tiles.set(tileKey(t), t.hashes);
  return { root: builder.root(), read: tileNodeReader(tiles) };
}

/** MTH straight from RFC 6962's definition, to check the tiles against. */
function mth(leaves: Uint8Array[]): Uint8Array {
  if (leaves.length === 1) return leafHash(leaves[0]!);
  const k = splitPoint(leaves.length);
  return nodeHash(mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}

describe('RFC 6962 vectors of transparency-dev/merkle', () => {
  it('has the vectors', () => {
    expect(inclusionVectors.length).toBeGreaterThan(90);
    expect(consistencyVectors.length).toBeGreaterThan(90);
  });

  it.each(inclusionVectors.map((f) => [f.slice(VECTORS.length + 1), f]))('inclusion %s', (_name, file) => {
    const v = load(file);
    const verify = () => verifyInclusion(v.leafIdx, v.treeSize, b64(v.leafHash), (v.proof ?? []).map(b64), b64(v.root));
    if (v.wantErr) expect(verify).toThrow();
    else expect(verify).not.toThrow();
  });

  it.each(consistencyVectors.map((f) => [f.slice(VECTORS.length + 1), f]))('consistency %s', (_name, file) => {
    const v = load(file);
    const verify = () => verifyConsistency(v.size1, v.size2, b64(v.root1), b64(v.root2), (v.proof ?? []).map(b64));
    if (v.wantErr) expect(verify).toThrow();
    else expect(verify).not.toThrow();
  });

  it('builds the proofs of every happy path byte for byte', () => {
    for (const file of inclusionVectors.filter((f) => f.endsWith('happy-path.json'))) {
      const v = load(file);
      const { read } = buildTree(RFC_LEAVES.slice(0, v.treeSize));
      expect(inclusionProof(read, v.leafIdx, v.treeSize).map((h) => Buffer.from(h).toString('base64'))).toEqual(v.proof ?? []);
    }
    for (const file of consistencyVectors.filter((f) => f.endsWith('happy-path.json'))) {
      const v = load(file);
      const { read, root } = buildTree(RFC_LEAVES.slice(0, v.size2));
      expect(Buffer.from(root).toString('base64')).toBe(v.root2);
      if (v.size1 > 0) expect(consistencyProof(read, v.size1, v.size2).map((h) => Buffer.from(h).toString('base64'))).toEqual(v.proof ?? []);
    }
  });
});

describe('the tiled tree', () => {
  const leaves = Array.from({ length: 600 }, (_, i) => Buffer.from(`leaf ${i}`));

  it('has the RFC 6962 root at every size, across tile boundaries, built in one go or in steps', () => {
    const stepwise = new TreeBuilder(0, []);
    const tiles = new Map<string, Uint8Array[]>();
    for (let n = 1; n <= leaves.length; n++) {
      // Restarted from the stored edge tiles each time, as each integration is.
      const resumed = new TreeBuilder(
        n - 1,
        [...tiles.entries()].map(([k, hashes]) => ({ level: Number(k.split('/')[0]), index: Number(k.split('/')[1]), hashes })),
      );
      resumed.append(leafHash(leaves[n - 1]!));
      for (const t of resumed.takeChanged()) tiles.set(tileKey(t), t.hashes);
      stepwise.append(leafHash(leaves[n - 1]!));
      const expected = mth(leaves.slice(0, n));
      expect(Buffer.from(resumed.root())).toEqual(Buffer.from(expected));
      expect(Buffer.from(stepwise.root())).toEqual(Buffer.from(expected));
      expect(Buffer.from(rootAt(tileNodeReader(tiles), n))).toEqual(Buffer.from(expected));
    }
  });

  it('proves inclusion and consistency between any two sizes', () => {
    const { read } = buildTree(leaves);
    for (const n of [1, 2, 3, 255, 256, 257, 511, 512, 513, 600]) {
      const root = rootAt(read, n);
      for (const i of [0, 1, Math.floor(n / 2), n - 1].filter((i) => i < n)) verifyInclusion(i, n, leafHash(leaves[i]!), inclusionProof(read, i, n), root);
      for (const m of [1, 2, 7, 255, 256, 257, 512, n]) {
        if (m <= n) verifyConsistency(m, n, rootAt(read, m), root, consistencyProof(read, m, n));
      }
    }
  });

  it("gives the same proofs with one size's right edge memoised across all of that size's proofs", () => {
    const { read } = buildTree(leaves);
    for (const n of [3, 257, 513, 600]) {
      const edge = new Map<number, Uint8Array>();
      for (let round = 0; round < 2; round++) {
        for (let i = 0; i < n; i += 7) expect(inclusionProof(read, i, n, edge)).toEqual(inclusionProof(read, i, n));
        for (let m = 1; m <= n; m += 11) expect(consistencyProof(read, m, n, edge)).toEqual(consistencyProof(read, m, n));
      }
      // 600 = 512 + 64 + 16 + 8: the ranges from 512 and from 576 are ragged; the others' are perfect.
      expect([n, edge.size]).toEqual([n, n === 600 ? 2 : 0]);
    }
  });

  it('refuses a proof with a flipped bit, for another size or another leaf', () => {
    const { read } = buildTree(leaves);
    const root = rootAt(read, 600);
    const proof = inclusionProof(read, 300, 600);
    const flipped = proof.map((h, i) => (i === 3 ? Buffer.from(h).map((b, j) => (j === 0 ? b ^ 1 : b)) : h));
    expect(() => verifyInclusion(300, 600, leafHash(leaves[300]!), flipped, root)).toThrow();
    expect(() => verifyInclusion(300, 512, leafHash(leaves[300]!), proof, root)).toThrow();
    expect(() => verifyInclusion(300, 600, leafHash(leaves[301]!), proof, root)).toThrow();
    expect(() => verifyInclusion(301, 600, leafHash(leaves[300]!), proof, root)).toThrow();
  });
});
