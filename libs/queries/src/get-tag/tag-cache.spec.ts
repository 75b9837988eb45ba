import type { TagView } from '../tag-view';
import { TagCache } from './tag-cache';

const view = (version: number): TagView => ({
  name: 'team/app',
  tag: 'v1',
  target: { mediaType: 'application/vnd.oci.image.manifest.v1+json', size: 1, digest: `sha256:${String(version).padStart(64, '0')}` },
  version,
  position: version * 10,
  updatedAt: '2026-11-30T00:00:00.000Z',
  updatedBy: 'a',
});

/** A database read the test finishes when it wants: what a slow query looks like. */
function pending() {
  let finish!: (v: TagView | undefined) => void;
  const promise = new Promise<TagView | undefined>((resolve) => (finish = resolve));
  return { load: () => promise, finish };
}

describe('TagCache', () => {
  it('never goes back: an older version loses against the one it holds, whatever arrives first', () => {
    const cache = new TagCache(10);
    cache.apply('k', 3, view(3), true);
    cache.apply('k', 2, view(2), true);
    cache.apply('k', 3, null, true);
    expect(cache.get('k')).toEqual({ version: 3, view: view(3) });
    cache.apply('k', 4, null, false);
    expect(cache.get('k')).toEqual({ version: 4, view: null });
  });

  it('keeps changes of tags it neither holds nor reads only when asked to (own commits)', () => {
    const cache = new TagCache(10);
    cache.apply('feed', 1, view(1), false);
    cache.apply('own', 1, view(1), true);
    expect([cache.get('feed'), cache.get('own')?.version]).toEqual([undefined, 1]);
  });

  it('lets a read that began before a change lose against it, also for a tag it did not hold', async () => {
    const cache = new TagCache(10);
    const slow = pending();
    const read = cache.read('k', slow.load);
    cache.apply('k', 5, null, false); // the feed: deleted at version 5, while the read was on its way
    slow.finish(view(4));
    expect(await read).toEqual(view(4)); // the reader gets what it read...
    expect(cache.get('k')).toEqual({ version: 5, view: null }); // ...the cache keeps the newer
  });

  it('keeps a missing tag as version 0, which any change replaces', async () => {
    const cache = new TagCache(10);
    await cache.read('k', async () => undefined);
    expect(cache.get('k')).toEqual({ version: 0, view: null });
    cache.apply('k', 1, view(1), false);
    expect(cache.get('k')?.version).toBe(1);
  });

  it('drops reads in flight when cleared: what they read may predate what the cache missed', async () => {
    const cache = new TagCache(10);
    const slow = pending();
    const read = cache.read('k', slow.load);
    cache.clear();
    slow.finish(view(1));
    await read;
    expect([cache.get('k'), cache.size]).toEqual([undefined, 0]);
    cache.apply('k', 2, view(2), false);
    expect(cache.get('k')).toBeUndefined(); // no read of it is in flight any more
  });

  it('holds at most its capacity, least recently used out', () => {
    const cache = new TagCache(2);
    cache.apply('a', 1, view(1), true);
    cache.apply('b', 1, view(1), true);
    cache.get('a');
    cache.apply('c', 1, view(1), true);
    expect([cache.size, cache.get('a') !== undefined, cache.get('b'), cache.get('c') !== undefined]).toEqual([2, true, undefined, true]);
  });
});
