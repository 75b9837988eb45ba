import type { Database } from '@tag-history/database';
import { TagHistoryError } from '@tag-history/domain';
import { archivedSegmentOf, readArchiveBoundary } from '@tag-history/event-store';
import {
  consistencyProof,
  type EdgeMemo,
  encodeEntryBundle,
  type ExpandedTile,
  HASH_SIZE,
  inclusionProof,
  nodeInTile,
  type NodeReader,
  TILE_WIDTH,
  tileKey,
  tileNode,
  type TileId,
  tileWidth,
} from '@tag-history/transparency';
import type { Kysely } from 'kysely';
import { leafHashesAt } from './leaf-hashes';
import { TileCache } from './tile-cache';
import { readTiles } from './tile-rows';

export interface InclusionProof {
  position: number;
  leafIndex: number;
  treeSize: number;
  leafHash: string;
  hashes: string[];
}

export interface ConsistencyProof {
  from: number;
  to: number;
  hashes: string[];
}

// A view, not a copy: the nodes are mostly slices of kept tiles.
const b64 = (h: Uint8Array) => Buffer.from(h.buffer, h.byteOffset, h.byteLength).toString('base64');
const ZERO = new Uint8Array(HASH_SIZE);

const inclusionAnswer = (position: number, treeSize: number, leaf: Uint8Array, hashes: Uint8Array[]): InclusionProof => ({
  position,
  leafIndex: position - 1,
  treeSize,
  leafHash: b64(leaf),
  hashes: hashes.map(b64),
});

// Signed sizes remembered: a checkpoint is never deleted, so a size once signed stays signed.
const SIGNED_SIZES_KEPT = 100_000;

/**
 * The read side of the transparency log: checkpoints, proofs and tiles, always
 * for sizes that were signed. A proof is built from tiles kept in memory; only
 * tiles not kept yet are read, in one query.
 */
export class LogReader {
  private readonly signed = new Set<number>();
  // The right edge of the tree size the latest proof from memory was for: shared by the proofs at that size.
  private edge: { size: number; hashes: EdgeMemo } = { size: 0, hashes: new Map() };

  constructor(
    private readonly db: Kysely<Database>,
    private readonly cache = new TileCache(),
  ) {}

  /** The latest checkpoint as served: its note, then the timestamp's and witnesses' cosignature lines. */
  async checkpoint(): Promise<{ size: number; note: string } | undefined> {
    const latest = await this.db.selectFrom('log_checkpoints').select(['size', 'note']).orderBy('size', 'desc').limit(1).executeTakeFirst();
    if (!latest) return undefined;
    const cosignatures = await this.db.selectFrom('log_cosignatures').select('line').where('size', '=', latest.size).orderBy('signed_at').execute();
    return { size: Number(latest.size), note: latest.note + cosignatures.map((c) => `${c.line}\n`).join('') };
  }

  /** The checkpoint body signed for `size`, if one was. */
  async signedBody(size: number): Promise<string | undefined> {
    const row = await this.db.selectFrom('log_checkpoints').select('note').where('size', '=', size).executeTakeFirst();
    return row?.note.slice(0, row.note.indexOf('\n\n') + 1);
  }

  /** Witness cosignature lines for the checkpoint of `size`; a witness's newer line replaces its older one. */
  async addCosignatures(size: number, lines: { name: string; line: string }[]): Promise<void> {
    if (lines.length === 0) return;
    const now = new Date();
    await this.db
      .insertInto('log_cosignatures')
      .values(lines.map((l) => ({ size, name: l.name, line: l.line, signed_at: now })))
      .onConflict((oc) => oc.columns(['size', 'name']).doUpdateSet((eb) => ({ line: eb.ref('excluded.line'), signed_at: now })))
      .execute();
  }

  /** The size of the latest checkpoint, or `size` itself when a checkpoint signed it; else 400 PARAMETER_INVALID. */
  async signedSize(name: string, size: number | undefined): Promise<number> {
    if (size !== undefined && this.signed.has(size)) return size;
    const query = this.db.selectFrom('log_checkpoints').select('size');
    const row = await (size === undefined ? query.orderBy('size', 'desc').limit(1) : query.where('size', '=', size)).executeTakeFirst();
    if (!row) throw new TagHistoryError('PARAMETER_INVALID', `${name} must be a tree size a checkpoint signed`, { [name]: size ?? null });
    if (this.signed.size >= SIGNED_SIZES_KEPT) this.signed.clear();
    this.signed.add(Number(row.size));
    return Number(row.size);
  }

  async inclusion(position: number, size?: number): Promise<InclusionProof> {
    const treeSize = await this.signedSize('size', size);
    if (!(position >= 1 && position <= treeSize)) {
      throw new TagHistoryError('PARAMETER_INVALID', `position must be between 1 and the tree size ${treeSize}`, { position, size: treeSize });
    }
    // The tree's own leaf, from the tile: no read of the event. Whoever holds the event checks it is the hash of its JWS.
    const proof = await this.withTiles(treeSize, inclusionOf(position, treeSize));
    return inclusionAnswer(position, treeSize, proof.leaf, proof.hashes);
  }

  /**
   * What `inclusion` answers, as JSON text, when it needs nothing but memory:
   * a size already known signed and every node kept. Otherwise undefined.
   */
  inclusionJson(position: number, size: number): string | undefined {
    if (!this.signed.has(size) || !(position >= 1 && position <= size)) return undefined;
    const proof = this.fromMemory(size, inclusionOf(position, size));
    return proof && JSON.stringify(inclusionAnswer(position, size, proof.leaf, proof.hashes));
  }

  /** What `consistency` answers, as JSON text, when it needs nothing but memory; otherwise undefined. */
  consistencyJson(from: number, to: number): string | undefined {
    if (!this.signed.has(from) || !this.signed.has(to) || !(from >= 1 && from <= to)) return undefined;
    const hashes = this.fromMemory(to, (read, edge) => consistencyProof(read, from, to, edge));
    return hashes && JSON.stringify({ from, to, hashes: hashes.map(b64) } satisfies ConsistencyProof);
  }

  /**
   * Inclusion proofs for the events an answer shows, against one checkpoint size, with the tiles read once. Their
   * leaf hashes are those of the JWS shown (read again here): an event row changed since it was integrated fails its proof.
   */
  async inclusions(positions: number[], treeSize: number): Promise<InclusionProof[]> {
    const inside = positions.filter((p) => p >= 1 && p <= treeSize);
    const [proofs, leaves] = await Promise.all([
      this.withTiles(treeSize, (read) => inside.map((p) => ({ tile: read(0, p - 1), hashes: inclusionProof(read, p - 1, treeSize) }))),
      leafHashesAt(this.db, inside),
    ]);
    // An archived event's JWS is in its segment, which proved the tile's leaf: that leaf stands for it.
    const { position: archived } = inside.some((p) => !leaves.has(p)) ? await readArchiveBoundary(this.db) : { position: 0 };
    return inside.map((p, i) => {
      const leaf = leaves.get(p) ?? (p <= archived ? proofs[i]!.tile : undefined);
      if (!leaf) throw new Error(`the event at position ${p} is missing from the log`);
      return inclusionAnswer(p, treeSize, leaf, proofs[i]!.hashes);
    });
  }

  async consistency(from: number, to?: number): Promise<ConsistencyProof> {
    const [m, n] = [await this.signedSize('from', from), await this.signedSize('to', to)];
    if (m < 1 || m > n) throw new TagHistoryError('PARAMETER_INVALID', 'from must be at least 1 and at most to', { from: m, to: n });
    const hashes = await this.withTiles(n, (read) => consistencyProof(read, m, n));
    return { from: m, to: n, hashes: hashes.map(b64) };
  }

  /** A hash tile of `width` hashes, when the latest signed tree has that many in it. */
  async tile(level: number, index: number, width: number): Promise<Buffer | undefined> {
    const size = await this.signedSize('size', undefined);
    if (tileWidth(size, level, index) < width) return undefined;
    const [tile] = await readTiles(this.db, [{ level, index }]);
    return tile && Buffer.concat(tile.hashes.slice(0, width));
  }

  /** An entry bundle: the JWS bytes of positions index * 256 + 1 and on. */
  async entries(index: number, width: number): Promise<Buffer | undefined> {
    const size = await this.signedSize('size', undefined);
    if (tileWidth(size, 0, index) < width) return undefined;
    const first = index * TILE_WIDTH + 1;
    const segment = await archivedSegmentOf(this.db, first);
    if (segment) throw new TagHistoryError('ARCHIVED', `entries from position ${first} are archived in segment ${segment}`, { position: first, segment });
    const rows = await this.db
      .selectFrom('events')
      .select('jws')
      .where('position', '>=', first)
      .where('position', '<', first + width)
      .orderBy('position')
      .execute();
    return encodeEntryBundle(rows.map((r) => Buffer.from(r.jws)));
  }

  /** `build` on the kept tiles alone, for a tree of `size`; undefined when it needed a node they do not have. */
  private fromMemory<T>(size: number, build: (read: NodeReader, edge: EdgeMemo) => T): T | undefined {
    if (this.edge.size !== size) this.edge = { size, hashes: new Map() };
    let missed = false;
    const result = build((level, index) => this.cache.node(level, index) ?? ((missed = true), ZERO), this.edge.hashes);
    // The edge may now hold hashes of the zeros read instead of the missing nodes.
    if (missed) this.edge.hashes.clear();
    return missed ? undefined : result;
  }

  /**
   * Runs `build` on the kept tiles; when some node's tile is not kept (or not
   * wide enough), the tiles it lacked are read in one query and it runs again.
   * Keeping those may evict tiles the build found kept (the cache is bounded):
   * those are read in turn. Every tile read stays at hand for the builds after,
   * so each round reads tiles not read before, and a tile that is read and
   * still lacks the node is not stored.
   */
  private async withTiles<T>(size: number, build: (read: NodeReader) => T): Promise<T> {
    const loaded = new Map<string, ExpandedTile>();
    const tried = new Set<string>();
    const missing = new Map<string, TileId>();
    const read: NodeReader = (level, index) => {
      const kept = this.cache.node(level, index);
      if (kept) return kept;
      const at = nodeInTile(level, index);
      const key = tileKey(at);
      const tile = loaded.get(key);
      const node = tile && tileNode(tile, at.k, at.i);
      if (node) return node;
      missing.set(key, { level: at.level, index: at.index });
      return ZERO;
    };
    for (;;) {
      const result = build(read);
      if (missing.size === 0) return result;
      const wanted = [...missing].filter(([key, t]) => !tried.has(key) && tileWidth(size, t.level, t.index) > 0);
      if (wanted.length === 0) throw new Error(`tiles ${[...missing.keys()].join(', ')} of the tree of size ${size} are not stored`);
      for (const [key] of wanted) tried.add(key);
      for (const tile of await readTiles(
        this.db,
        wanted.map(([, t]) => t),
      ))
        loaded.set(tileKey(tile), this.cache.offer(tile));
      missing.clear();
    }
  }
}

const inclusionOf = (position: number, size: number) => (read: NodeReader, edge?: EdgeMemo) => ({
  leaf: read(0, position - 1),
  hashes: inclusionProof(read, position - 1, size, edge),
});
