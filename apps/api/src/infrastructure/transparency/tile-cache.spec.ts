import { DEFAULT_TILE_CACHE_MB } from '@tag-history/config';
import { leafHash, perfectRoot, type Tile, TILE_WIDTH } from '@tag-history/transparency';
import { KEPT_TILE_BYTES, TileCache } from './tile-cache';

const tile = (index: number, width = TILE_WIDTH): Tile => ({
  level: 0,
  index,
  hashes: Array.from({ length: width }, (_, i) => leafHash(`${index}/${i}`)),
});

describe('TileCache', () => {
  it('keeps no more tiles than its bytes allow, evicting one not read since the clock hand passed', () => {
    const cache = new TileCache(3 * KEPT_TILE_BYTES);
    for (const i of [0, 1, 2]) cache.offer(tile(i));
    expect(cache.node(0, 5)).toEqual(tile(0).hashes[5]);
    cache.offer(tile(3));
    expect([cache.tiles, cache.bytes]).toEqual([3, 3 * KEPT_TILE_BYTES]);
    // Tile 0 was read: tile 1 went.
    expect(cache.node(0, TILE_WIDTH + 5)).toBeUndefined();
    expect(cache.node(0, 5)).toBeDefined();
    for (let i = 4; i < 40; i++) {
      cache.offer(tile(i));
      expect(cache.bytes).toBeLessThanOrEqual(cache.maxBytes);
    }
    expect(cache.node(0, 39 * TILE_WIDTH)).toEqual(tile(39).hashes[0]);
    // A bound below one tile keeps none, and still hands the tile back expanded.
    const none = new TileCache(KEPT_TILE_BYTES - 1);
    expect(none.offer(tile(0)).width).toBe(TILE_WIDTH);
    expect(none.tiles).toBe(0);
  });

  it("reads every node of a tile as the root of its hashes, partial tiles' complete nodes too, and a wider copy replaces a narrower", () => {
    const cache = new TileCache();
    const partial = tile(7, 100);
    cache.offer(partial);
    const full = tile(7);
    for (let k = 0; k <= 7; k++) {
      for (let i = 0; i < TILE_WIDTH >> k; i++) {
        const node = cache.node(k, 7 * (TILE_WIDTH >> k) + i);
        if ((i + 1) << k > 100) expect(node).toBeUndefined();
        else expect(Buffer.from(node!)).toEqual(Buffer.from(perfectRoot(partial.hashes.slice(i << k, (i + 1) << k))));
      }
    }
    cache.offer(full);
    expect(cache.tiles).toBe(1);
    expect(Buffer.from(cache.node(7, 15)!)).toEqual(Buffer.from(perfectRoot(full.hashes.slice(128))));
    expect(Buffer.from(cache.node(2, 7 * 64 + 63)!)).toEqual(Buffer.from(perfectRoot(full.hashes.slice(252))));
  });

  it('holds, by default, every tile a proof needs at a log of 2.4 million events', () => {
    const events = 2_400_000;
    let tiles = 0;
    for (let nodes = events; nodes >= 1; nodes = Math.floor(nodes / TILE_WIDTH)) tiles += Math.ceil(nodes / TILE_WIDTH);
    expect(Math.floor((DEFAULT_TILE_CACHE_MB * 2 ** 20) / KEPT_TILE_BYTES)).toBeGreaterThanOrEqual(tiles);
    expect(new TileCache().maxBytes).toBe(DEFAULT_TILE_CACHE_MB * 2 ** 20);
  });
});
