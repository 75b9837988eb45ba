import { HASH_SIZE, isPowerOfTwo, nodeHash } from './hashes';

/** A proof that does not hold; `code` tells an auditor which kind. */
export class ProofError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ProofError';
  }
}

function checkHashes(what: string, ...hashes: Uint8Array[]): void {
  for (const h of hashes) if (h.length !== HASH_SIZE) throw new ProofError(`${what}: a hash of ${h.length} bytes, not ${HASH_SIZE}`);
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.compare(a, b) === 0;
}

/** The root an inclusion proof leads to (RFC 9162 §2.1.3.2). */
export function rootFromInclusionProof(index: number, size: number, leaf: Uint8Array, proof: readonly Uint8Array[]): Uint8Array {
  if (!(Number.isSafeInteger(index) && Number.isSafeInteger(size) && index >= 0 && index < size)) {
    throw new ProofError(`leaf index ${index} is outside a tree of size ${size}`);
  }
  checkHashes('inclusion proof', leaf, ...proof);
  let fn = index;
  let sn = size - 1;
  let r: Uint8Array = leaf;
  for (const p of proof) {
    if (sn === 0) throw new ProofError('inclusion proof is too long');
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) while (fn % 2 === 0 && fn !== 0) [fn, sn] = [Math.floor(fn / 2), Math.floor(sn / 2)];
    } else {
      r = nodeHash(r, p);
    }
    [fn, sn] = [Math.floor(fn / 2), Math.floor(sn / 2)];
  }
  if (sn !== 0) throw new ProofError('inclusion proof is too short');
  return r;
}

export function verifyInclusion(index: number, size: number, leaf: Uint8Array, proof: readonly Uint8Array[], root: Uint8Array): void {
  checkHashes('root', root);
  if (!equal(rootFromInclusionProof(index, size, leaf, proof), root)) throw new ProofError(`leaf ${index} is not in the tree of size ${size} with this root`);
}

/** RFC 9162 §2.1.4.2; a proof from the empty tree proves nothing and is refused. */
export function verifyConsistency(size1: number, size2: number, root1: Uint8Array, root2: Uint8Array, proof: readonly Uint8Array[]): void {
  if (!(Number.isSafeInteger(size1) && Number.isSafeInteger(size2) && size1 >= 1 && size1 <= size2)) {
    throw new ProofError(`no consistency proof from size ${size1} to size ${size2}`);
  }
  if (size1 === size2) {
    if (proof.length > 0) throw new ProofError('equal sizes need an empty proof');
    if (!equal(root1, root2)) throw new ProofError(`two different roots for size ${size1}`);
    return;
  }
  checkHashes('consistency proof', root1, root2, ...proof);
  if (proof.length === 0) throw new ProofError('empty consistency proof');
  // When size1 is a power of two its root is the proof's implied first node.
  const path = isPowerOfTwo(size1) ? [root1, ...proof] : [...proof];
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (fn % 2 === 1) [fn, sn] = [Math.floor(fn / 2), Math.floor(sn / 2)];
  let fr = path[0]!;
  let sr = path[0]!;
  for (const c of path.slice(1)) {
    if (sn === 0) throw new ProofError('consistency proof is too long');
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (fn % 2 === 0) while (fn % 2 === 0 && fn !== 0) [fn, sn] = [Math.floor(fn / 2), Math.floor(sn / 2)];
    } else {
      sr = nodeHash(sr, c);
    }
    [fn, sn] = [Math.floor(fn / 2), Math.floor(sn / 2)];
  }
  if (sn !== 0) throw new ProofError('consistency proof is too short');
  if (!equal(fr, root1)) throw new ProofError(`the proof does not lead to the root of size ${size1}`);
  if (!equal(sr, root2)) throw new ProofError(`the proof does not lead to the root of size ${size2}`);
}
