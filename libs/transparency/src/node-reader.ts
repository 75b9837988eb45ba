/**
 * Reads the hash of a complete node: the root of the perfect subtree over
 * leaves [index * 2^level, (index + 1) * 2^level). Synchronous, so that
 * proofs are built on hashes loaded beforehand.
 */
export type NodeReader = (level: number, index: number) => Uint8Array;
