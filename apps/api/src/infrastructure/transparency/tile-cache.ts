import { type ExpandedTile, expandTile, type Tile, tileKey, type TileId } from '@tag-history/transparency';

/**
 * Tiles only ever grow (a full one never changes, a partial one only gets
 * hashes appended), so proofs keep the most recently used ones in memory,
 * expanded: every node a proof reads is then a lookup. The default holds the
 * level-0 tiles of a log of 2^20 events (16 KB each). After restoring the
 * database from a dump, restart the instances.
 */
export class TileCache {
  private readonly tiles = new Map<string, ExpandedTile>();

  constructor(private readonly capacity = 4096) {}

  /** The tile, if at least its first `width` hashes are kept. */
  get(id: TileId, width: number): ExpandedTile | undefined {
    const key = tileKey(id);
    const tile = this.tiles.get(key);
    if (!tile || tile.width < width) return undefined;
    // Re-inserted: a Map iterates in insertion order, so the first key is the least recently used.
    this.tiles.delete(key);
    this.tiles.set(key, tile);
    return tile;
  }

  /** Keeps the tile expanded, unless a wider copy of it is kept already; returns the kept one. */
  offer(tile: Tile): ExpandedTile {
    const key = tileKey(tile);
    const kept = this.tiles.get(key);
    if (kept && kept.width >= tile.hashes.length) return kept;
    const expanded = expandTile(tile.hashes);
    this.tiles.set(key, expanded);
    if (this.tiles.size > this.capacity) this.tiles.delete(this.tiles.keys().next().value!);
    return expanded;
  }
}
