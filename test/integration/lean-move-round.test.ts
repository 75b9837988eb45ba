import { TAG_MEDIA_TYPE } from '@tag-history/domain';
import { checkProjections } from '@tag-history/projections';
import { digest, tagObject, target } from '../support/fixtures';
import { startTestApp, type TestApp } from '../support/test-app';

/*
 * tag_history_append (migration 0020) projects a round of moves of distinct tags setting no expiry straight from
 * the batch, and every other round through tag_history_project. Concurrent writers make rounds of both kinds: moves
 * of many tags at once (the lean way), several versions of one tag in one round, creations, expiries set and cleared
 * (the general way). A rebuild projects the same log through tag_history_project alone: the two must agree.
 */
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const put = (tag: string, seed: string, extra: Record<string, unknown> = {}) =>
  fetch(`${t.url}/v2/lean/round/_tags/${tag}`, {
    method: 'PUT',
    headers: { 'content-type': TAG_MEDIA_TYPE },
    body: JSON.stringify({ ...tagObject('lean/round', tag, seed), ...extra }),
  });

describe('a round of moves projected from the batch', () => {
  it('given rounds of moves of many tags, of one tag, and with expiries, when rebuilt through tag_history_project, then every projection matches', async () => {
    const tags = Array.from({ length: 24 }, (_, i) => `t${i}`);
    const later = new Date(Date.now() + 86_400_000).toISOString();
    // Half the tags carry an expiry, so that moves of the lean kind have expiries to clear.
    const created = await Promise.all(tags.map((tag, i) => put(tag, `${tag}-0`, i % 2 ? { expiresAt: later } : {})));
    expect(created.map((r) => r.status)).toEqual(tags.map(() => 201));

    for (let round = 1; round <= 4; round++) {
      const answers = await Promise.all([
        ...tags.map((tag) => put(tag, `${tag}-${round}`)),
        // One hot tag moved by several writers at once: rounds holding several of its versions.
        ...Array.from({ length: 8 }, (_, k) => put('hot', `hot-${round}-${k}`)),
        put(`new-${round}`, `new-${round}`, { expiresAt: later }),
      ]);
      expect(answers.every((r) => r.status === 200 || r.status === 201)).toBe(true);
    }

    const { db } = t.infrastructure;
    expect((await checkProjections(db, { bulkUntil: 0 })).differences).toEqual([]);
    expect((await checkProjections(db)).differences).toEqual([]);

    const current = await db
      .selectFrom('tags')
      .select(['tag', 'digest', 'version'])
      .where('repository', '=', 'lean/round')
      .where('tag', '=', 't3')
      .executeTakeFirstOrThrow();
    expect(current).toEqual({ tag: 't3', digest: digest('t3-4'), version: 5 });
    const intervals = await db
      .selectFrom('tag_history')
      .select(['version', 'to_version'])
      .where('repository', '=', 'lean/round')
      .where('tag', '=', 't3')
      .orderBy('version')
      .execute();
    expect(intervals).toEqual([1, 2, 3, 4, 5].map((v) => ({ version: v, to_version: v < 5 ? v + 1 : null })));
    // Every expiry set at creation was cleared by the moves after it; the new tags keep theirs.
    const expiring = await db.selectFrom('tag_expiry').select('tag').where('repository', '=', 'lean/round').orderBy('tag').execute();
    expect(expiring.map((r) => r.tag)).toEqual(['new-1', 'new-2', 'new-3', 'new-4']);
  });
});

describe('rounds of the lean kind with checked streams and Idempotency-Keys', () => {
  it('given batches moving many tags, one of them to where it points already, under an Idempotency-Key, when replayed and rebuilt, then every projection matches', async () => {
    // Every tag moves but b5, sent to where it points already: its stream is checked in a round of moves.
    const batch = (seed: string, key: string) =>
      fetch(`${t.url}/v2/_batch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': key },
        body: JSON.stringify({
          operations: Array.from({ length: 6 }, (_, i) => ({
            op: 'move',
            name: 'lean/batch',
            tag: `b${i}`,
            target: target(i === 5 ? 's0-5' : `${seed}-${i}`),
          })),
        }),
      });
    const created = await fetch(`${t.url}/v2/_batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        operations: Array.from({ length: 6 }, (_, i) => ({ op: 'create', name: 'lean/batch', tag: `b${i}`, target: target(`s0-${i}`) })),
      }),
    });
    expect(created.status).toBe(200);
    for (const [round, key] of [
      [1, 'k1'],
      [2, 'k2'],
      [2, 'k2'],
      [3, 'k3'],
    ] as const) {
      const res = await batch(`s${round}`, key);
      expect([round, key, res.status]).toEqual([round, key, 200]);
    }
    const { db } = t.infrastructure;
    expect((await checkProjections(db, { bulkUntil: 0 })).differences).toEqual([]);
    expect((await checkProjections(db)).differences).toEqual([]);
    const tags = await db.selectFrom('tags').select(['tag', 'digest', 'version']).where('repository', '=', 'lean/batch').orderBy('tag').execute();
    expect(tags).toEqual(Array.from({ length: 6 }, (_, i) => ({ tag: `b${i}`, digest: digest(i === 5 ? 's0-5' : `s3-${i}`), version: i === 5 ? 1 : 4 })));
    const keys = await db.selectFrom('idempotency_keys').select(['key', 'result_position']).where('key', 'in', ['k1', 'k2', 'k3']).orderBy('key').execute();
    const positions = await db.selectFrom('events').select('position').where('stream_id', 'like', 'lean/batch:%').orderBy('position').execute();
    expect(keys.map((k) => Number(k.result_position))).toEqual([7, 12, 17].map((p) => Number(positions[p - 1]!.position)));
  });
});
