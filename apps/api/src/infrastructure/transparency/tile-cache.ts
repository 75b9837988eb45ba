import { DEFAULT_TILE_CACHE_MB } from '@tag-history/config';
import { EXPANDED_TILE_BYTES, type ExpandedTile, expandTile, type Tile, TILE_HEIGHT, TILE_WIDTH, tileNode } from '@tag-history/transparency';

// What a kept tile costs besides its hashes: its entry and the Buffer object.
const ENTRY_BYTES = 160;
/** Memory a kept tile is counted for. */
export const KEPT_TILE_BYTES = EXPANDED_TILE_BYTES + ENTRY_BYTES;

interface Kept {
  level: number;
  index: number;
  tile: ExpandedTile;
  /** Read since the clock hand last passed: spared once. */
  used: boolean;
  /** Where it is in `kept`. */
  slot: number;
}

/**
 * Tiles only ever grow (a full one never changes, a partial one only gets
 * hashes appended), so proofs keep them in memory, expanded: every node a
 * proof reads is then a lookup. Bounded in bytes (TILE_CACHE_MB); past the
 * bound, the CLOCK algorithm evicts a tile not read since the hand last
 * passed, so that a read only sets a flag. After restoring the database
 * from a dump, restart the instances.
 */
export class TileCache {
  // By level, then by tile index: arrays, so that a read hashes no key.
  private readonly levels: (Kept | undefined)[][] = [];
  private readonly kept: Kept[] = [];
  private hand = 0;

  constructor(readonly maxBytes = DEFAULT_TILE_CACHE_MB * 2 ** 20) {}

  /** Bytes the kept tiles are counted for. */
  get bytes(): number {
    return this.kept.length * KEPT_TILE_BYTES;
  }

  get tiles(): number {
    return this.kept.length;
  }

  /** Whether one more tile would evict one. */
  get full(): boolean {
    return this.bytes + KEPT_TILE_BYTES > this.maxBytes;
  }

  /** The hash of the complete node `index` at tree level `level`, if its tile is kept wide enough. */
  node(level: number, index: number): Uint8Array | undefined {
    const tileLevel = Math.floor(level / TILE_HEIGHT);
    const k = level - tileLevel * TILE_HEIGHT;
    const perTile = TILE_WIDTH >> k;
    const kept = this.levels[tileLevel]?.[Math.floor(index / perTile)];
    if (!kept) return undefined;
    kept.used = true;
    return tileNode(kept.tile, k, index % perTile);
  }

  /** Keeps the tile expanded, unless a copy at least as wide is kept already; returns the kept one. */
  offer(tile: Tile): ExpandedTile {
    const level = (this.levels[tile.level] ??= []);
    const kept = level[tile.index];
    if (kept && kept.tile.width >= tile.hashes.length) return kept.tile;
    const expanded = expandTile(tile.hashes);
    if (kept) {
      kept.tile = expanded;
      return expanded;
    }
    if (KEPT_TILE_BYTES > this.maxBytes) return expanded;
    while (this.full) this.evictOne();
    const entry: Kept = { level: tile.level, index: tile.index, tile: expanded, used: false, slot: this.kept.length };
    this.kept.push(entry);
    level[tile.index] = entry;
    return expanded;
  }

  private evictOne(): void {
    for (;;) {
      if (this.hand >= this.kept.length) this.hand = 0;
      const candidate = this.kept[this.hand]!;
      if (candidate.used) {
        candidate.used = false;
        this.hand++;
        continue;
      }
      const last = this.kept.pop()!;
      if (last !== candidate) {
        last.slot = candidate.slot;
        this.kept[candidate.slot] = last;
      }
      this.levels[candidate.level]![candidate.index] = undefined;
      return;
    }
  }
}
