import { leafHash, perfectRoot } from '../hashes';
import { TILE_WIDTH, type TileId, tileKey, tileWidth } from '../tiles';
import { edgeTiles, TreeBuilder } from '../tree-builder';
import { ProofError } from '../verify-proofs';

export type TileFetcher = (level: number, index: number, width: number) => Promise<Uint8Array[]>;

/**
 * Checks leaves against a signed root using only tlog-tiles: the tiles the
 * tree of `size` has not filled hash to the root, and every full tile
 * fetched hashes to its entry in the tile above (which is checked the same
 * way). A tile is fetched and checked once however many leaves it holds.
 */
export class TileVerifier {
  private readonly verified = new Map<string, Promise<Uint8Array[]>>();

  private constructor(
    private readonly size: number,
    private readonly fetch: TileFetcher,
  ) {}

  static async open(size: number, root: Uint8Array, fetch: TileFetcher): Promise<TileVerifier> {
    const verifier = new TileVerifier(size, fetch);
    const edge = await Promise.all(edgeTiles(size).map(async (id) => ({ ...id, hashes: await verifier.fetchTile(id) })));
    if (Buffer.compare(new TreeBuilder(size, edge).root(), root) !== 0) throw new ProofError(`the tiles do not hash to the root of size ${size}`);
    for (const t of edge) verifier.verified.set(tileKey(t), Promise.resolve(t.hashes));
    return verifier;
  }

  /** Fails unless leaf `index` of the signed tree is SHA-256(0x00 || data). */
  checkLeaf(index: number, data: Uint8Array | string): Promise<void> {
    return this.checkLeafHash(index, leafHash(data));
  }

  /** The same, given the leaf hash (computed elsewhere, e.g. on a verifier thread). */
  async checkLeafHash(index: number, hash: Uint8Array): Promise<void> {
    if (!(index >= 0 && index < this.size)) throw new ProofError(`leaf ${index} is not in the tree of size ${this.size}`);
    const tile = await this.tile({ level: 0, index: Math.floor(index / TILE_WIDTH) });
    if (Buffer.compare(tile[index % TILE_WIDTH]!, hash) !== 0) throw new ProofError(`leaf ${index} of the signed tree is not this entry`);
  }

  private tile(id: TileId): Promise<Uint8Array[]> {
    const key = tileKey(id);
    let tile = this.verified.get(key);
    if (!tile) {
      tile = this.fetchFull(id);
      this.verified.set(key, tile);
    }
    return tile;
  }

  private async fetchFull(id: TileId): Promise<Uint8Array[]> {
    const [hashes, parent] = await Promise.all([this.fetchTile(id), this.tile({ level: id.level + 1, index: Math.floor(id.index / TILE_WIDTH) })]);
    if (Buffer.compare(perfectRoot(hashes), parent[id.index % TILE_WIDTH]!) !== 0)
      throw new ProofError(`tile ${id.level}/${id.index} does not hash to its entry in the tile above`);
    return hashes;
  }

  private async fetchTile(id: TileId): Promise<Uint8Array[]> {
    const width = tileWidth(this.size, id.level, id.index);
    if (width === 0) return [];
    const hashes = await this.fetch(id.level, id.index, width);
    if (hashes.length !== width) throw new ProofError(`tile ${id.level}/${id.index} has ${hashes.length} hashes, not ${width}`);
    return hashes;
  }
}
