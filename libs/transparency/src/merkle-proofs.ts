import { emptyRoot, isPowerOfTwo, nodeHash, splitPoint } from './hashes';
import type { NodeReader } from './node-reader';

/**
 * Hashes of one tree's ragged right edge, by where each range begins: every
 * range the recursions hash that is not a perfect subtree ends at the tree's
 * size, so all proofs at that size share them (about a dozen hashes an
 * inclusion proof at 10^6 leaves). One memo serves one tree size.
 */
export type EdgeMemo = Map<number, Uint8Array>;

/** MTH(D[begin:begin+n]) where begin is a multiple of the largest power of two below n, as every RFC 6962 recursion keeps it. */
function rangeHash(read: NodeReader, begin: number, n: number, edge?: EdgeMemo): Uint8Array {
  if (isPowerOfTwo(n) && begin % n === 0) return read(Math.log2(n), begin / n);
  const kept = edge?.get(begin);
  if (kept) return kept;
  const k = splitPoint(n);
  const hash = nodeHash(rangeHash(read, begin, k, edge), rangeHash(read, begin + k, n - k, edge));
  edge?.set(begin, hash);
  return hash;
}

export function rootAt(read: NodeReader, size: number): Uint8Array {
  return size === 0 ? emptyRoot() : rangeHash(read, 0, size);
}

/** RFC 6962 PATH(m, D[0:n]), bottom-up. */
export function inclusionProof(read: NodeReader, index: number, size: number, edge?: EdgeMemo): Uint8Array[] {
  if (!(index >= 0 && index < size)) throw new RangeError(`leaf ${index} is not in a tree of size ${size}`);
  const path = (m: number, begin: number, n: number): Uint8Array[] => {
    if (n === 1) return [];
    const k = splitPoint(n);
    return m < k ? [...path(m, begin, k), rangeHash(read, begin + k, n - k, edge)] : [...path(m - k, begin + k, n - k), rangeHash(read, begin, k)];
  };
  return path(index, 0, size);
}

/** RFC 6962 PROOF(m, D[0:n]), bottom-up; from a non-empty tree only. */
export function consistencyProof(read: NodeReader, from: number, to: number, edge?: EdgeMemo): Uint8Array[] {
  if (!(from >= 1 && from <= to)) throw new RangeError(`no consistency proof from size ${from} to size ${to}`);
  const sub = (m: number, begin: number, n: number, whole: boolean): Uint8Array[] => {
    if (m === n) return whole ? [] : [rangeHash(read, begin, n, edge)];
    const k = splitPoint(n);
    return m <= k ? [...sub(m, begin, k, whole), rangeHash(read, begin + k, n - k, edge)] : [...sub(m - k, begin + k, n - k, false), rangeHash(read, begin, k)];
  };
  return sub(from, 0, to, true);
}
