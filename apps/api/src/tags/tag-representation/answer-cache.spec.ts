import { AnswerCache } from './answer-cache';

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('AnswerCache', () => {
  it('computes a key once, shares the computation in flight, and keeps the answer', async () => {
    const cache = new AnswerCache<string>({ entries: 10, bytes: 1000 }, (a) => a.length);
    let computed = 0;
    const compute = async () => `answer ${++computed}`;
    const [a, b] = await Promise.all([cache.get('k', compute), cache.get('k', compute)]);
    expect([a, b, await cache.get('k', compute), computed]).toEqual(['answer 1', 'answer 1', 'answer 1', 1]);
  });

  it('drops the least recently used beyond the entry limit', async () => {
    const cache = new AnswerCache<string>({ entries: 2, bytes: 1000 }, (a) => a.length);
    const calls: string[] = [];
    const get = (key: string) => cache.get(key, async () => (calls.push(key), key));
    await get('a');
    await get('b');
    await get('a'); // a is now the most recently used
    await get('c'); // b goes
    await settle();
    await get('a');
    await get('b');
    expect(calls).toEqual(['a', 'b', 'c', 'b']);
    expect(cache.size.entries).toBe(2);
  });

  it('keeps the bytes of settled answers within the byte limit', async () => {
    const cache = new AnswerCache<string>({ entries: 100, bytes: 10 }, (a) => a.length);
    await cache.get('a', async () => 'xxxx');
    await cache.get('b', async () => 'yyyy');
    await settle();
    expect(cache.size).toEqual({ entries: 2, bytes: 8 });
    await cache.get('c', async () => 'zzzz');
    await settle();
    expect(cache.size).toEqual({ entries: 2, bytes: 8 });
  });

  it('does not keep a failure: the next read computes again', async () => {
    const cache = new AnswerCache<string>({ entries: 10, bytes: 1000 }, (a) => a.length);
    await expect(cache.get('k', () => Promise.reject(new Error('database down')))).rejects.toThrow('database down');
    await settle();
    expect(cache.size).toEqual({ entries: 0, bytes: 0 });
    await expect(cache.get('k', async () => 'ok')).resolves.toBe('ok');
  });
});
