import { putTag, target } from '../support/fixtures';
import { startTestApp, type TestApp } from '../support/test-app';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const eventsOf = (stream: string) => t.infrastructure.db.selectFrom('events').select('position').where('stream_id', '=', stream).execute();

async function answer(res: Response) {
  return { status: res.status, etag: res.headers.get('etag'), location: res.headers.get('location'), body: await res.text() };
}

describe('Idempotency-Key on writes', () => {
  it('answers a retried PUT with the first answer and appends nothing', async () => {
    const first = await putTag(t.url, 'idem/app', 'v1', 'one', { 'idempotency-key': 'put-1' });
    const retry = await putTag(t.url, 'idem/app', 'v1', 'one', { 'idempotency-key': 'put-1' });
    expect(first.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(await answer(retry)).toEqual(await answer(first));
    expect(await eventsOf('idem/app:v1')).toHaveLength(1);
  });

  it('replays the first answer even after the tag moved on', async () => {
    const first = await answer(await putTag(t.url, 'idem/moved', 'v1', 'one', { 'idempotency-key': 'moved-1' }));
    await putTag(t.url, 'idem/moved', 'v1', 'two');
    const retry = await answer(await putTag(t.url, 'idem/moved', 'v1', 'one', { 'idempotency-key': 'moved-1' }));
    expect(retry).toEqual(first);
    expect(await eventsOf('idem/moved:v1')).toHaveLength(2);
  });

  it('answers the same key with another body with 422 IDEMPOTENCY_KEY_REUSED and changes nothing', async () => {
    await putTag(t.url, 'idem/other', 'v1', 'one', { 'idempotency-key': 'other-1' });
    const res = await putTag(t.url, 'idem/other', 'v1', 'two', { 'idempotency-key': 'other-1' });
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ errors: [{ code: 'IDEMPOTENCY_KEY_REUSED' }] });
    const del = await fetch(`${t.url}/v2/idem/other/_tags/v1`, { method: 'DELETE', headers: { 'idempotency-key': 'other-1' } });
    expect(del.status).toBe(422);
    expect(await eventsOf('idem/other:v1')).toHaveLength(1);
  });

  it('runs concurrent requests with one key once, and gives all of them the one answer', async () => {
    const answers = await Promise.all(Array.from({ length: 8 }, () => putTag(t.url, 'idem/race', 'v1', 'one', { 'idempotency-key': 'race-1' }).then(answer)));
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    expect(answers[0]!.status).toBe(201);
    expect(await eventsOf('idem/race:v1')).toHaveLength(1);
  });

  it('keeps a 4xx answer: a retried DELETE answers 202 again, not 404', async () => {
    await putTag(t.url, 'idem/del', 'v1', 'one');
    const del = () => fetch(`${t.url}/v2/idem/del/_tags/v1`, { method: 'DELETE', headers: { 'idempotency-key': 'del-1' } }).then(answer);
    const first = await del();
    expect(first.status).toBe(202);
    expect(await del()).toEqual(first);
    const failed = await answer(await putTag(t.url, 'idem/del', 'v1', 'two', { 'idempotency-key': 'pre-1', 'if-match': '"9"' }));
    expect(failed.status).toBe(412);
    await putTag(t.url, 'idem/del', 'v1', 'two');
    expect(await answer(await putTag(t.url, 'idem/del', 'v1', 'two', { 'idempotency-key': 'pre-1', 'if-match': '"9"' }))).toEqual(failed);
  });

  // A process that dies between its commit and storing the answer leaves the
  // key claimed with the outcome its transaction recorded and no answer: that
  // is this state, made by clearing the stored answer of a committed write.
  it('answers a retry after a crash between commit and answer with the recorded answer, not a second run', async () => {
    await putTag(t.url, 'idem/crash', 'v1', 'one');
    const del = () => fetch(`${t.url}/v2/idem/crash/_tags/v1`, { method: 'DELETE', headers: { 'idempotency-key': 'crash-1' } }).then(answer);
    const first = await del();
    expect(first.status).toBe(202);
    const crashed = await t.infrastructure.db
      .updateTable('idempotency_keys')
      .set({ status: null, headers: null, body: null, owner: 'dead-process', locked_until: new Date(Date.now() + 60_000) })
      .where('key', '=', 'crash-1')
      .where('result', 'is not', null)
      .executeTakeFirst();
    expect(Number(crashed.numUpdatedRows)).toBe(1);
    const retry = await del();
    expect(retry).toEqual(first);
    expect(await eventsOf('idem/crash:v1')).toHaveLength(2);
  });

  it('records the outcome of a keyed batch with its events, and replays it after a crash', async () => {
    await putTag(t.url, 'idem/crashb', 'a', 'one');
    const batch = () =>
      fetch(`${t.url}/v2/_batch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'idempotency-key': 'crash-b' },
        body: JSON.stringify({
          operations: [
            { op: 'move', name: 'idem/crashb', tag: 'a', target: target('two') },
            { op: 'delete', name: 'idem/crashb', tag: 'a' },
            { op: 'create', name: 'idem/crashb', tag: 'b', target: target('three') },
          ],
        }),
      }).then(answer);
    const first = await batch();
    expect(first.status).toBe(200);
    await t.infrastructure.db
      .updateTable('idempotency_keys')
      .set({ status: null, headers: null, body: null, owner: 'dead' })
      .where('key', '=', 'crash-b')
      .execute();
    expect(await batch()).toEqual(first);
    expect(await eventsOf('idem/crashb:a')).toHaveLength(3);
  });

  it('treats keys as separate per key, and writes without a key as before', async () => {
    expect((await putTag(t.url, 'idem/keys', 'v1', 'one', { 'idempotency-key': 'k-1' })).status).toBe(201);
    expect((await putTag(t.url, 'idem/keys', 'v1', 'two', { 'idempotency-key': 'k-2' })).status).toBe(200);
    expect((await putTag(t.url, 'idem/keys', 'v1', 'three')).status).toBe(200);
    expect(await eventsOf('idem/keys:v1')).toHaveLength(3);
  });

  it('covers the other writes too: a retried batch and a retried restore run once', async () => {
    const post = (path: string, body: unknown, key: string) =>
      fetch(`${t.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', 'idempotency-key': key }, body: JSON.stringify(body) });
    const batch = {
      operations: [
        { op: 'create', name: 'idem/batch', tag: 'a', target: target('b1') },
        { op: 'create', name: 'idem/batch', tag: 'b', target: target('b1') },
      ],
    };
    const first = await answer(await post('/v2/_batch', batch, 'batch-1'));
    expect(first.status).toBe(200);
    expect(await answer(await post('/v2/_batch', batch, 'batch-1'))).toEqual(first);
    expect([...(await eventsOf('idem/batch:a')), ...(await eventsOf('idem/batch:b'))]).toHaveLength(2);

    await putTag(t.url, 'idem/batch', 'a', 'b2');
    const restore = await answer(await post('/v2/idem/batch/_tags/a/restore', { version: 1 }, 'restore-1'));
    expect(restore.status).toBe(200);
    expect(await answer(await post('/v2/idem/batch/_tags/a/restore', { version: 1 }, 'restore-1'))).toEqual(restore);
    expect(await eventsOf('idem/batch:a')).toHaveLength(3);
  });

  it.each([[''], ['x'.repeat(256)], ['has space']])('answers the malformed key %j with 400 and changes nothing', async (key) => {
    const res = await putTag(t.url, 'idem/bad', 'v1', 'one', { 'idempotency-key': key });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ errors: [{ code: 'PARAMETER_INVALID' }] });
    expect(await eventsOf('idem/bad:v1')).toHaveLength(0);
  });
});
