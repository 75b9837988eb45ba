import { type ExpandedTile, expandTile, TILE_WIDTH, type Tile } from '@tag-history/transparency';

/**
 * Full tiles never change, so proofs keep the most recently used ones in
 * memory, expanded (every node inside them hashed once): the upper levels,
 * which every proof reads, are then lookups. After restoring the database
 * from a dump, restart the instances.
 */
export class FullTileCache {
  private readonly tiles = new Map<string, ExpandedTile>();

  constructor(private readonly capacity = 512) {}

  get(level: number, index: number): ExpandedTile | undefined {
    const key = `${level}/${index}`;
    const hashes = this.tiles.get(key);
    if (hashes) {
      // Re-inserted: a Map iterates in insertion order, so the first key is the least recently used.
      this.tiles.delete(key);
      this.tiles.set(key, hashes);
    }
    return hashes;
  }

  /** The tile expanded; kept when it is full. */
  offer(tile: Tile): ExpandedTile {
    const expanded = expandTile(tile.hashes);
    if (tile.hashes.length !== TILE_WIDTH) return expanded;
    this.tiles.set(`${tile.level}/${tile.index}`, expanded);
    if (this.tiles.size > this.capacity) this.tiles.delete(this.tiles.keys().next().value!);
    return expanded;
  }
}
