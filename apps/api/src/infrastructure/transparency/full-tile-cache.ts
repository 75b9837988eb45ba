import { TILE_WIDTH, type Tile } from '@tag-history/transparency';

/**
 * Full tiles never change, so proofs keep the most recently used ones in
 * memory: the upper levels, which every proof reads, never go back to the
 * database. After restoring the database from a dump, restart the instances.
 */
export class FullTileCache {
  private readonly tiles = new Map<string, Uint8Array[]>();

  constructor(private readonly capacity = 512) {}

  get(level: number, index: number): Uint8Array[] | undefined {
    const key = `${level}/${index}`;
    const hashes = this.tiles.get(key);
    if (hashes) {
      // Re-inserted: a Map iterates in insertion order, so the first key is the least recently used.
      this.tiles.delete(key);
      this.tiles.set(key, hashes);
    }
    return hashes;
  }

  offer(tile: Tile): void {
    if (tile.hashes.length !== TILE_WIDTH) return;
    this.tiles.set(`${tile.level}/${tile.index}`, tile.hashes);
    if (this.tiles.size > this.capacity) this.tiles.delete(this.tiles.keys().next().value!);
  }
}
