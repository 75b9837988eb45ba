import { TAG_MEDIA_TYPE } from '@tag-history/domain';
import { checkProjections, rebuildProjections } from '@tag-history/projections';
import { digest, tagObject } from '../support/fixtures';
import { startTestApp, type TestApp } from '../support/test-app';

/*
 * The rebuild states each projection rule of `tag_history_project` once over
 * the whole log (libs/projections/src/rebuild/bulk-projections.ts) and
 * projects what writers append meanwhile through the function itself. Where
 * the two could part: a stream's last event, an interval closed by the next
 * version, deletes and restores, several tags on one digest, expiries, pins
 * and policies; each case is checked with the set-based part ending at every
 * position of the log (the rest projected as appends project it).
 */
let t: TestApp;
let now = new Date('2026-04-01T12:00:00Z');
beforeAll(async () => {
  t = await startTestApp({ clock: () => now });
});
afterAll(() => t.close());

const send = (method: string, path: string, body?: unknown) =>
  fetch(`${t.url}${path}`, { method, headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
const put = (name: string, tag: string, seed: string, extra: Record<string, unknown> = {}) =>
  fetch(`${t.url}/v2/${name}/_tags/${tag}`, {
    method: 'PUT',
    headers: { 'content-type': TAG_MEDIA_TYPE },
    body: JSON.stringify({ ...tagObject(name, tag, seed), ...extra }),
  });
const tick = () => (now = new Date(now.getTime() + 1000));

/** No difference between the live projections and a rebuild, whichever position the set-based part ends at. */
async function expectRebuildsEqual(): Promise<void> {
  const { db } = t.infrastructure;
  const { position } = await db.selectFrom('log_head').select('position').executeTakeFirstOrThrow();
  for (let seam = 0; seam <= Number(position); seam++) {
    const { differences } = await checkProjections(db, { bulkUntil: seam });
    expect({ seam, differences }).toEqual({ seam, differences: [] });
  }
}

describe('set-based rebuild, against the live projections', () => {
  it('given a tag moved many times, deleted, restored and moved again, when rebuilt, then its row and every interval match', async () => {
    for (let i = 0; i < 6; i++, tick()) expect((await put('sb/moves', 'latest', `m${i}`)).status).toBeLessThan(300);
    expect((await send('DELETE', '/v2/sb/moves/_tags/latest')).status).toBe(202);
    tick();
    expect((await send('POST', '/v2/sb/moves/_tags/latest/restore', { version: 2 })).status).toBeLessThan(300);
    tick();
    expect((await put('sb/moves', 'latest', 'm9')).status).toBeLessThan(300);
    // A tag deleted last has no row and its last interval is closed by the delete.
    expect((await put('sb/moves', 'gone', 'g1')).status).toBe(201);
    expect((await send('DELETE', '/v2/sb/moves/_tags/gone')).status).toBe(202);

    await expectRebuildsEqual();
    const { db } = t.infrastructure;
    const history = await db
      .selectFrom('tag_history')
      .selectAll()
      .where('repository', '=', 'sb/moves')
      .where('tag', '=', 'latest')
      .orderBy('version')
      .execute();
    expect(history.map((h) => h.version)).toEqual([1, 2, 3, 4, 5, 6, 8, 9]);
    expect(history.at(-1)).toMatchObject({ version: 9, digest: digest('m9'), to_version: null });
  });

  it('given several tags on one digest and one tag that left it, when rebuilt, then the digest index rows match', async () => {
    for (const tag of ['a', 'b', 'c']) expect((await put('sb/digest', tag, 'shared')).status).toBe(201);
    expect((await put('sb/digest', 'b', 'other')).status).toBe(200);
    await expectRebuildsEqual();
    const rows = await t.infrastructure.db
      .selectFrom('tags')
      .select('tag')
      .where('repository', '=', 'sb/digest')
      .where('digest', '=', digest('shared'))
      .execute();
    expect(rows.map((r) => r.tag).sort()).toEqual(['a', 'c']);
  });

  it('given expiries set, replaced, cleared by a move and by a delete, when rebuilt, then tag_expiry matches', async () => {
    const later = (days: number) => new Date(now.getTime() + days * 86_400_000).toISOString();
    expect((await put('sb/expiry', 'kept', 'k1', { expiresAt: later(3) })).status).toBe(201);
    expect((await put('sb/expiry', 'replaced', 'r1', { expiresAt: later(3) })).status).toBe(201);
    expect((await put('sb/expiry', 'replaced', 'r2', { expiresAt: later(5) })).status).toBe(200);
    expect((await put('sb/expiry', 'cleared', 'c1', { expiresAt: later(3) })).status).toBe(201);
    expect((await put('sb/expiry', 'cleared', 'c2')).status).toBe(200);
    expect((await put('sb/expiry', 'deleted', 'd1', { expiresAt: later(3) })).status).toBe(201);
    expect((await send('DELETE', '/v2/sb/expiry/_tags/deleted')).status).toBe(202);
    await expectRebuildsEqual();
    const expiring = await t.infrastructure.db.selectFrom('tag_expiry').select('tag').where('repository', '=', 'sb/expiry').orderBy('tag').execute();
    expect(expiring.map((r) => r.tag)).toEqual(['kept', 'replaced']);
  });

  it('given pins pinned, unpinned and pinned again, and policies created, changed and deleted, when rebuilt, then they match', async () => {
    const pin = (seed: string, method: string, reason = 'kept') => send(method, `/v2/sb/pins/_pins/${digest(seed)}`, { reason });
    expect((await pin('p1', 'PUT')).status).toBeLessThan(300);
    expect((await pin('p2', 'PUT')).status).toBeLessThan(300);
    expect((await pin('p2', 'DELETE')).status).toBeLessThan(300);
    expect((await pin('p1', 'DELETE')).status).toBeLessThan(300);
    expect((await pin('p1', 'PUT', 'again')).status).toBeLessThan(300);
    const policy = (tags: string) => ({ repositories: 'sb/**', tags, rule: 'immutable' });
    expect((await send('PUT', '/v2/_policies/stays', policy('v*'))).status).toBeLessThan(300);
    expect((await send('PUT', '/v2/_policies/stays', policy('release-*'))).status).toBeLessThan(300);
    expect((await send('PUT', '/v2/_policies/goes', policy('rc-*'))).status).toBeLessThan(300);
    expect((await send('DELETE', '/v2/_policies/goes')).status).toBeLessThan(300);
    await expectRebuildsEqual();

    const { db } = t.infrastructure;
    expect(await db.selectFrom('pins').select(['digest', 'reason']).where('repository', '=', 'sb/pins').execute()).toEqual([
      { digest: digest('p1'), reason: 'again' },
    ]);
    expect((await db.selectFrom('policies').select('id').execute()).map((p) => p.id)).toEqual(['stays']);
    // A rebuild swaps in what the check compared.
    const before = await db.selectFrom('policies').selectAll().execute();
    await rebuildProjections(db);
    expect(await db.selectFrom('policies').selectAll().execute()).toEqual(before);
    expect((await checkProjections(db)).differences).toEqual([]);
  });
});
