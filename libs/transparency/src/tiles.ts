import { HASH_SIZE, nodeHash } from './hashes';
import type { NodeReader } from './node-reader';

/** C2SP tlog-tiles: tiles of height 8, so a full tile holds 256 hashes (or entries). */
export const TILE_HEIGHT = 8;
export const TILE_WIDTH = 256;

export interface TileId {
  /** Tile level L holds the hashes of tree level 8L. */
  level: number;
  index: number;
}

/** How many hashes tile `index` of `level` holds in a tree of `size` leaves: 0 when it does not exist yet. */
export function tileWidth(size: number, level: number, index: number): number {
  const nodes = Math.floor(size / TILE_WIDTH ** level);
  return Math.max(0, Math.min(TILE_WIDTH, nodes - index * TILE_WIDTH));
}

/** Where a complete node lives: its tile, and the tile's hashes it is the perfect root of. */
export function nodeLocation(level: number, index: number): TileId & { offset: number; count: number } {
  const tileLevel = Math.floor(level / TILE_HEIGHT);
  const span = 2 ** (level - tileLevel * TILE_HEIGHT);
  const first = index * span;
  return { level: tileLevel, index: Math.floor(first / TILE_WIDTH), offset: first % TILE_WIDTH, count: span };
}

export function tileKey(tile: TileId): string {
  return `${tile.level}/${tile.index}`;
}

/** The hashes of a tile's bytes (32 each). */
export function splitHashes(bytes: Uint8Array): Uint8Array[] {
  const hashes: Uint8Array[] = [];
  for (let i = 0; i + HASH_SIZE <= bytes.length; i += HASH_SIZE) hashes.push(bytes.subarray(i, i + HASH_SIZE));
  return hashes;
}

/**
 * A tile's hashes and the complete nodes above them inside the tile, in one
 * buffer (one object per tile, so that thousands can be kept). The nodes over
 * 2 and 4 hashes are not kept: 3/8 of the tile's size, while a read of one
 * costs 1 or 3 hashes. The nodes over 2^k hashes (k = 0 or k >= 3) start at
 * node `levelStart(k)`.
 */
export interface ExpandedTile {
  width: number;
  nodes: Buffer;
}

const FIRST_KEPT = 3;
const KEPT_NODES = TILE_WIDTH + (TILE_WIDTH >> (FIRST_KEPT - 1)) - 1;
/** The bytes of an expanded tile: 319 hashes. */
export const EXPANDED_TILE_BYTES = KEPT_NODES * HASH_SIZE;

const levelStart = (k: number) => (k === 0 ? 0 : KEPT_NODES + 1 - ((2 * TILE_WIDTH) >> k));

export function expandTile(hashes: readonly Uint8Array[]): ExpandedTile {
  const nodes = Buffer.alloc(EXPANDED_TILE_BYTES);
  hashes.forEach((h, i) => nodes.set(h, i * HASH_SIZE));
  let below = hashes;
  for (let k = 1; hashes.length >> k > 0; k++) {
    const level: Uint8Array[] = [];
    for (let i = 0; i < hashes.length >> k; i++) {
      const node = nodeHash(below[2 * i]!, below[2 * i + 1]!);
      level.push(node);
      if (k >= FIRST_KEPT) nodes.set(node, (levelStart(k) + i) * HASH_SIZE);
    }
    below = level;
  }
  return { width: hashes.length, nodes };
}

/** The root of hashes [i * 2^k, (i + 1) * 2^k) of the tile, when it has them all. */
export function tileNode(tile: ExpandedTile, k: number, i: number): Uint8Array | undefined {
  if ((i + 1) << k > tile.width) return undefined;
  if (k > 0 && k < FIRST_KEPT) return nodeHash(tileNode(tile, k - 1, 2 * i)!, tileNode(tile, k - 1, 2 * i + 1)!);
  const at = (levelStart(k) + i) * HASH_SIZE;
  return tile.nodes.subarray(at, at + HASH_SIZE);
}

/** The tile holding a complete node, and where in it: `tileNode(tile, k, i)` reads it. */
export function nodeInTile(level: number, index: number): TileId & { k: number; i: number } {
  const at = nodeLocation(level, index);
  return { level: at.level, index: at.index, k: Math.log2(at.count), i: at.offset / at.count };
}

/**
 * Reads complete nodes out of loaded tiles (a Map from tileKey to hashes, or
 * to tiles already expanded): each tile is expanded once, then every node in
 * it is a lookup.
 */
export function tileNodeReader(tiles: ReadonlyMap<string, readonly Uint8Array[] | ExpandedTile>): NodeReader {
  const expanded = new Map<string, ExpandedTile>();
  return (level, index) => {
    const at = nodeInTile(level, index);
    const key = tileKey(at);
    let tile = expanded.get(key);
    if (!tile) {
      const loaded = tiles.get(key) ?? [];
      tile = 'nodes' in loaded ? loaded : expandTile(loaded);
      expanded.set(key, tile);
    }
    const node = tileNode(tile, at.k, at.i);
    if (!node) throw new RangeError(`node ${level}/${index} is not in the loaded tiles`);
    return node;
  };
}

/** `x001/x234/067` for 1234067: the path segment of a tile index. */
export function encodeTileIndex(index: number): string {
  const groups: string[] = [];
  let n = index;
  do {
    groups.unshift(String(n % 1000).padStart(3, '0'));
    n = Math.floor(n / 1000);
  } while (n > 0);
  return groups.map((g, i) => (i < groups.length - 1 ? `x${g}` : g)).join('/');
}

/** The inverse of encodeTileIndex; undefined for anything else. */
export function decodeTileIndex(path: string): number | undefined {
  const groups = path.split('/');
  if (!groups.every((g, i) => (i < groups.length - 1 ? /^x\d{3}$/ : /^\d{3}$/).test(g))) return undefined;
  const n = groups.reduce((sum, g) => sum * 1000 + Number(g.replace('x', '')), 0);
  return Number.isSafeInteger(n) ? n : undefined;
}

/** `tile/<L>/<N>[.p/<W>]`, or `tile/entries/<N>[.p/<W>]` when level is 'entries'. */
export function tilePath(level: number | 'entries', index: number, width = TILE_WIDTH): string {
  return `tile/${level}/${encodeTileIndex(index)}${width < TILE_WIDTH ? `.p/${width}` : ''}`;
}

/** An entry bundle: each entry as a big-endian uint16 length and its bytes. */
export function encodeEntryBundle(entries: readonly Uint8Array[]): Buffer {
  const parts: Buffer[] = [];
  for (const e of entries) {
    if (e.length > 0xffff) throw new RangeError('an entry is longer than 65535 bytes');
    const length = Buffer.alloc(2);
    length.writeUInt16BE(e.length);
    parts.push(length, Buffer.from(e));
  }
  return Buffer.concat(parts);
}

export function decodeEntryBundle(bundle: Uint8Array): Buffer[] {
  const buffer = Buffer.from(bundle.buffer, bundle.byteOffset, bundle.byteLength);
  const entries: Buffer[] = [];
  for (let at = 0; at < buffer.length;) {
    if (at + 2 > buffer.length) throw new RangeError('entry bundle ends inside a length');
    const length = buffer.readUInt16BE(at);
    if (at + 2 + length > buffer.length) throw new RangeError('entry bundle ends inside an entry');
    entries.push(buffer.subarray(at + 2, at + 2 + length));
    at += 2 + length;
  }
  return entries;
}
