import { compactVerify, createRemoteJWKSet } from 'jose';
import { digest, putTag, target } from '../support/fixtures';
import { startTestApp, type TestApp } from '../support/test-app';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${t.url}${path}`, { headers });

describe('PUT, GET and DELETE /v2/<name>/_tags/<tag>', () => {
  it('creates with 201, moves with 200, and reads back the current target with its version', async () => {
    const create = await putTag(t.url, 'team/app', 'stable', 'one');
    expect(create.status).toBe(201);
    expect(create.headers.get('etag')).toBe('"1"');
    expect(await create.json()).toMatchObject({ name: 'team/app', tag: 'stable', version: 1, target: target('one') });

    const move = await putTag(t.url, 'team/app', 'stable', 'two');
    expect(move.status).toBe(200);
    expect(move.headers.get('etag')).toBe('"2"');

    const read = await get('/v2/team/app/_tags/stable');
    expect(read.status).toBe(200);
    expect(read.headers.get('etag')).toBe('"2"');
    expect(await read.json()).toMatchObject({ name: 'team/app', tag: 'stable', version: 2, target: target('two'), updatedBy: 'anonymous' });
  });

  it('answers a move to the current target with 200 and appends nothing', async () => {
    await putTag(t.url, 'team/retry', 'v1', 'same');
    const again = await putTag(t.url, 'team/retry', 'v1', 'same');
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ version: 1, events: [] });
  });

  it('honours If-Match and If-None-Match with 412', async () => {
    await putTag(t.url, 'team/cond', 'v1', 'a');
    expect((await putTag(t.url, 'team/cond', 'v1', 'b', { 'if-match': '"7"' })).status).toBe(412);
    expect((await putTag(t.url, 'team/cond', 'v1', 'b', { 'if-none-match': '*' })).status).toBe(412);
    expect((await putTag(t.url, 'team/cond', 'v1', 'b', { 'if-match': '"1"' })).status).toBe(200);
    expect((await putTag(t.url, 'team/cond', 'v2', 'b', { 'if-none-match': '*' })).status).toBe(201);
  });

  it('deletes with 202, then answers 404 TAG_UNKNOWN', async () => {
    await putTag(t.url, 'team/gone', 'v1', 'a');
    const del = await fetch(`${t.url}/v2/team/gone/_tags/v1`, { method: 'DELETE' });
    expect(del.status).toBe(202);
    const read = await get('/v2/team/gone/_tags/v1');
    expect(read.status).toBe(404);
    expect(await read.json()).toMatchObject({ errors: [{ code: 'TAG_UNKNOWN' }] });
    const again = await fetch(`${t.url}/v2/team/gone/_tags/v1`, { method: 'DELETE' });
    expect(again.status).toBe(404);
  });
});

describe('GET /v2/<name>/tags/list', () => {
  it('lists tags in lexical order with a Link to the next page', async () => {
    for (const tag of ['b', 'A', 'a', 'c']) await putTag(t.url, 'list/me', tag, tag);
    const first = await get('/v2/list/me/tags/list?n=2');
    expect(await first.json()).toEqual({ name: 'list/me', tags: ['A', 'a'] });
    expect(first.headers.get('link')).toBe('</v2/list/me/tags/list?n=2&last=a>; rel="next"');
    const second = await get('/v2/list/me/tags/list?n=2&last=a');
    expect(await second.json()).toEqual({ name: 'list/me', tags: ['b', 'c'] });
    expect(second.headers.get('link')).toBeNull();
  });

  it('answers 404 NAME_UNKNOWN for a repository that never had a tag', async () => {
    const res = await get('/v2/never/seen/tags/list');
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ errors: [{ code: 'NAME_UNKNOWN' }] });
  });
});

describe('GET /v2/_resolve', () => {
  it('parses a full reference and says whether the digest is the current target', async () => {
    await putTag(t.url, 'res/app', '1.0', 'r1');
    const ref = `registry.example.com:5000/res/app:1.0@${digest('r1')}`;
    const res = await get(`/v2/_resolve?reference=${encodeURIComponent(ref)}`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      reference: { domain: 'registry.example.com:5000', path: 'res/app', tag: '1.0', digest: digest('r1') },
      target: target('r1'),
      current: true,
    });
  });

  it.each([
    ['UPPER/case', 'NAME_INVALID'],
    ['app:-bad', 'TAG_INVALID'],
    ['app@sha256:abc', 'DIGEST_INVALID'],
    [`app@md5:${'a'.repeat(32)}`, 'DIGEST_INVALID'],
  ])('answers 400 with the specific code for %s', async (ref, code) => {
    const res = await get(`/v2/_resolve?reference=${encodeURIComponent(ref)}`);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ errors: [{ code }] });
  });
});

describe('signatures', () => {
  it('signs every stored event so that it verifies against the served JWKS', async () => {
    await putTag(t.url, 'signed/app', 'v1', 's1');
    await putTag(t.url, 'signed/app', 'v1', 's2');
    const rows = await t.infrastructure.db.selectFrom('events').selectAll().where('stream_id', '=', 'signed/app:v1').orderBy('version').execute();
    expect(rows).toHaveLength(2);
    const jwks = createRemoteJWKSet(new URL(`${t.url}/.well-known/jwks.json`));
    let prev: string | null = null;
    for (const row of rows) {
      const { payload, protectedHeader } = await compactVerify(row.jws, jwks, { algorithms: ['EdDSA'] });
      expect(protectedHeader.kid).toBe(t.infrastructure.key.kid);
      const event = JSON.parse(new TextDecoder().decode(payload));
      expect(event).toMatchObject({ stream: 'signed/app:v1', version: row.version, type: row.type, actor: 'anonymous', prev });
      expect(event.data).toEqual(row.data);
      prev = row.hash;
    }
    expect(rows[1]!.data).toMatchObject({ from: target('s1'), target: target('s2') });
  });
});

describe('health', () => {
  it('reports live and ready', async () => {
    expect((await get('/healthz')).status).toBe(200);
    expect(await (await get('/readyz')).json()).toEqual({ status: 'ready' });
  });
});

describe('bad input', () => {
  it('answers a body over 64 KiB with 413 and the OCI error body', async () => {
    const res = await fetch(`${t.url}/v2/big/app/_tags/v1`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: 'x'.repeat(70_000) });
    expect(res.status).toBe(413);
    expect(await res.json()).toMatchObject({ errors: [{ code: 'SIZE_INVALID' }] });
  });
});

describe('concurrency', () => {
  it('lets exactly one of 32 clients with the same If-Match win, applies 100 unconditional moves, and leaves no version gap', async () => {
    await putTag(t.url, 'race/app', 'prod', 'start');
    const answers = await Promise.all(Array.from({ length: 32 }, (_, i) => putTag(t.url, 'race/app', 'prod', `c${i}`, { 'if-match': '"1"' })));
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 412)).toHaveLength(31);

    // Without If-Match every move applies, one after the other: 100 clients at once, none refused.
    const moves = await Promise.all(Array.from({ length: 100 }, (_, i) => putTag(t.url, 'race/app', 'prod', `m${i}`)));
    expect(moves.map((m) => m.status)).toEqual(Array(100).fill(200));
    const versions = await Promise.all(moves.map(async (m) => ((await m.json()) as { version: number }).version));
    expect(versions.sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i + 3));
    const rows = await t.infrastructure.db.selectFrom('events').select('version').where('stream_id', '=', 'race/app:prod').orderBy('version').execute();
    expect(rows.map((r) => r.version)).toEqual(Array.from({ length: 102 }, (_, i) => i + 1));
    const current = (await (await get('/v2/race/app/_tags/prod')).json()) as { version: number };
    expect(current.version).toBe(102);
  });
});
