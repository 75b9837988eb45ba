import { emptyRoot, nodeHash, perfectRoot } from './hashes';
import { TILE_WIDTH, type TileId, tileWidth } from './tiles';

export interface Tile extends TileId {
  hashes: Uint8Array[];
}

/**
 * The right edge of a tree kept as tiles: at each tile level, the one tile
 * that is not full yet. Appending a leaf hashes only what is new; a tile that
 * fills gives its root to the level above. The partial tiles are exactly the
 * tree's base-256 digits, so they also give the root.
 */
export class TreeBuilder {
  private readonly edge: Tile[];
  private readonly touched = new Map<string, Tile>();

  /** `edge`: the tiles of a tree of `size` that are not full, as `edgeTiles(size)` names them. */
  constructor(
    private treeSize: number,
    edge: Tile[],
  ) {
    this.edge = edgeTiles(treeSize).map((id) => {
      const tile = edge.find((t) => t.level === id.level && t.index === id.index);
      const width = tileWidth(treeSize, id.level, id.index);
      if ((tile?.hashes.length ?? 0) < width) throw new Error(`tile ${id.level}/${id.index} has fewer than ${width} hashes`);
      return { ...id, hashes: (tile?.hashes ?? []).slice(0, width) };
    });
  }

  get size(): number {
    return this.treeSize;
  }

  append(leaf: Uint8Array): void {
    this.treeSize++;
    let hash = leaf;
    for (let level = 0; ; level++) {
      const tile = (this.edge[level] ??= { level, index: 0, hashes: [] });
      tile.hashes.push(hash);
      // A tile that fills is replaced, not emptied, so this reference keeps its hashes.
      this.touched.set(`${level}/${tile.index}`, tile);
      if (tile.hashes.length < TILE_WIDTH) return;
      hash = perfectRoot(tile.hashes);
      this.edge[level] = { level, index: tile.index + 1, hashes: [] };
    }
  }

  /** The tiles changed since the last call, as they now are. */
  takeChanged(): Tile[] {
    const changed = [...this.touched.values()].map((t) => ({ ...t, hashes: [...t.hashes] }));
    this.touched.clear();
    return changed;
  }

  root(): Uint8Array {
    // Left to right: the highest level's digit first.
    const subtrees: Uint8Array[] = [];
    for (let level = this.edge.length - 1; level >= 0; level--) {
      const hashes = this.edge[level]!.hashes;
      for (let at = 0, span = TILE_WIDTH / 2; span >= 1; span /= 2) {
        if (hashes.length - at >= span) {
          subtrees.push(perfectRoot(hashes.slice(at, at + span)));
          at += span;
        }
      }
    }
    if (subtrees.length === 0) return emptyRoot();
    return subtrees.reduceRight((right, left) => nodeHash(left, right));
  }
}

/** The tiles a tree of `size` has not filled yet, one per level up to its top (some may be empty). */
export function edgeTiles(size: number): TileId[] {
  const tiles: TileId[] = [];
  for (let level = 0, below = size; below > 0; level++, below = Math.floor(below / TILE_WIDTH)) {
    tiles.push({ level, index: Math.floor(below / TILE_WIDTH) });
  }
  return tiles;
}
