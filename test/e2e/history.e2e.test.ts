import { compactVerify, createRemoteJWKSet } from 'jose';
import { digest, putTag, target } from '../support/fixtures';
import { startTestApp, type TestApp } from '../support/test-app';
import { tagStreamId } from '@tag-history/domain';
import { toTagEventView } from '@tag-history/queries';

let t: TestApp;
// Each write is stamped one minute after the previous one, so point-in-time questions have exact answers.
let now = Date.parse('2026-01-01T00:00:00Z');
const tick = () => new Date((now += 60_000));
const minute = (m: number) => new Date(Date.parse('2026-01-01T00:00:00Z') + m * 60_000).toISOString();

beforeAll(async () => {
  t = await startTestApp({ clock: tick });
});
afterAll(() => t.close());

// Response bodies are checked by the assertions themselves.
type Body = any;
const get = (path: string) => fetch(`${t.url}${path}`);
const body = (res: Response): Promise<Body> => res.json();
const json = (path: string) => get(path).then(async (r) => ({ status: r.status, headers: r.headers, body: await body(r) }));
const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${t.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
const del = (path: string) => fetch(`${t.url}${path}`, { method: 'DELETE' });
const errorCode = async (res: Response): Promise<string> => (await body(res)).errors[0].code;

describe('GET /v2/<name>/_tags/<tag>/history', () => {
  it('lists events newest first with verifiable JWS, pages with Link, and survives deletion', async () => {
    await putTag(t.url, 'hist/app', 'latest', 'h1');
    await putTag(t.url, 'hist/app', 'latest', 'h2');
    await del('/v2/hist/app/_tags/latest');
    await putTag(t.url, 'hist/app', 'latest', 'h3');

    const first = await json('/v2/hist/app/_tags/latest/history?n=3');
    expect(first.status).toBe(200);
    expect(first.body.events.map((e: { version: number; type: string }) => [e.version, e.type])).toEqual([
      [4, 'TagCreated'],
      [3, 'TagDeleted'],
      [2, 'TagMoved'],
    ]);
    expect(first.body.events[2]).toMatchObject({ previous: target('h1'), target: target('h2'), actor: 'anonymous' });
    expect(first.headers.get('link')).toBe('</v2/hist/app/_tags/latest/history?n=3&last=2>; rel="next"');
    const second = await json('/v2/hist/app/_tags/latest/history?n=3&last=2');
    expect(second.body.events.map((e: { version: number }) => e.version)).toEqual([1]);
    expect(second.headers.get('link')).toBeNull();

    const jwks = createRemoteJWKSet(new URL(`${t.url}/.well-known/jwks.json`));
    for (const event of first.body.events) {
      const { payload } = await compactVerify(event.jws, jwks);
      expect(JSON.parse(new TextDecoder().decode(payload))).toMatchObject({ stream: 'hist/app:latest', version: event.version, type: event.type });
    }

    await del('/v2/hist/app/_tags/latest');
    expect((await json('/v2/hist/app/_tags/latest/history')).body.events).toHaveLength(5);
  });

  it('answers 404 TAG_UNKNOWN for a tag that never existed, and 400 for a bad cursor', async () => {
    const res = await get('/v2/hist/app/_tags/never/history');
    expect(res.status).toBe(404);
    expect(await errorCode(res)).toBe('TAG_UNKNOWN');
    expect((await get('/v2/hist/app/_tags/latest/history?last=x')).status).toBe(400);
    expect((await get('/v2/hist/app/_tags/latest/history?n=-1')).status).toBe(400);
  });

  it('caps n and says so in Link', async () => {
    for (let i = 0; i < 3; i++) await putTag(t.url, 'hist/cap', 'v', `c${i}`);
    const res = await json('/v2/hist/cap/_tags/v/history?n=999999');
    expect(res.body.events).toHaveLength(3);
    expect(res.headers.get('link')).toBeNull();
  });

  it('still serves tags named like the sub-resources', async () => {
    await putTag(t.url, 'hist/names', 'history', 'n1');
    await putTag(t.url, 'hist/names', 'aliases', 'n1');
    expect((await json('/v2/hist/names/_tags/history')).body).toMatchObject({ tag: 'history', target: target('n1') });
    expect((await json('/v2/hist/names/_tags/history/history')).body.events).toHaveLength(1);
    expect((await json('/v2/hist/names/_tags/aliases/aliases')).body.aliases).toEqual(['history']);
  });
});

describe('GET /v2/<name>/_oci/tag-history/<tag>', () => {
  it('answers an OCI image index, newest first, with created and deleted annotations', async () => {
    const start = now;
    await putTag(t.url, 'oci/app', 'v1', 'o1'); // +1 min
    await putTag(t.url, 'oci/app', 'v1', 'o2'); // +2
    await del('/v2/oci/app/_tags/v1'); // +3
    const res = await get('/v2/oci/app/_oci/tag-history/v1');
    expect(res.headers.get('content-type')).toContain('application/vnd.oci.image.index.v1+json');
    const index = await body(res);
    expect(index).toMatchObject({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json' });
    const at = (m: number) => new Date(start + m * 60_000).toISOString();
    expect(index.manifests).toEqual([
      { ...target('o2'), annotations: { 'org.opencontainers.distribution.tag.timestamp': at(3), 'org.opencontainers.distribution.tag.event': 'deleted' } },
      { ...target('o2'), annotations: { 'org.opencontainers.distribution.tag.timestamp': at(2), 'org.opencontainers.distribution.tag.event': 'created' } },
      { ...target('o1'), annotations: { 'org.opencontainers.distribution.tag.timestamp': at(1), 'org.opencontainers.distribution.tag.event': 'created' } },
    ]);

    const before = await body(await get(`/v2/oci/app/_oci/tag-history/v1?before=${at(3)}`));
    expect(before.manifests.map((m: { digest: string }) => m.digest)).toEqual([digest('o2'), digest('o1')]);
    const since = await body(await get(`/v2/oci/app/_oci/tag-history/v1?since=${at(2)}`));
    expect(since.manifests).toHaveLength(2);
    const byDigest = await body(await get(`/v2/oci/app/_oci/tag-history/v1?digest=${digest('o1')}`));
    expect(byDigest.manifests).toHaveLength(1);
    const empty = await get('/v2/oci/app/_oci/tag-history/v1?n=0');
    expect(empty.status).toBe(200);
    expect((await body(empty)).manifests).toEqual([]);

    const page = await get('/v2/oci/app/_oci/tag-history/v1?n=1&since=2000-01-01T00:00:00Z');
    expect(page.headers.get('link')).toBe('</v2/oci/app/_oci/tag-history/v1?n=1&since=2000-01-01T00%3A00%3A00Z&last=3>; rel="next"');
  });

  it.each(['before=yesterday', 'since=2026-13-01T00:00:00Z', 'digest=sha256:abc', 'n=x'])('answers 400 for %s', async (q) => {
    expect((await get(`/v2/oci/app/_oci/tag-history/v1?${q}`)).status).toBe(400);
  });
});

describe('point in time: GET /v2/<name>/_tags/<tag>?at= and ?position=', () => {
  it('answers the tag as it was, and 404 TAG_UNKNOWN before its creation and while deleted', async () => {
    const start = now;
    const at = (m: number) => new Date(start + m * 60_000).toISOString();
    const created = await body(await putTag(t.url, 'pit/app', 'prod', 'p1')); // +1
    await putTag(t.url, 'pit/app', 'prod', 'p2'); // +2
    await del('/v2/pit/app/_tags/prod'); // +3
    await putTag(t.url, 'pit/app', 'prod', 'p3'); // +4

    expect((await json(`/v2/pit/app/_tags/prod?at=${at(1)}`)).body).toMatchObject({ target: target('p1'), version: 1 });
    expect((await json(`/v2/pit/app/_tags/prod?at=${encodeURIComponent(new Date(start + 150_000).toISOString())}`)).body).toMatchObject({
      target: target('p2'),
      version: 2,
    });
    for (const m of [0, 3]) {
      const res = await get(`/v2/pit/app/_tags/prod?at=${at(m)}`);
      expect(res.status).toBe(404);
      expect(await errorCode(res)).toBe('TAG_UNKNOWN');
    }
    expect((await json(`/v2/pit/app/_tags/prod?at=${at(9)}`)).body).toMatchObject({ target: target('p3'), version: 4 });

    const position = created.events[0].position;
    expect((await json(`/v2/pit/app/_tags/prod?position=${position}`)).body).toMatchObject({ target: target('p1') });
    expect((await get(`/v2/pit/app/_tags/prod?position=${position - 1}`)).status).toBe(404);
  });

  it.each(['at=2026-01-01', 'at=garbage', 'position=-3', 'position=1.5', `at=${minute(1)}&position=1`])('answers 400 for %s', async (q) => {
    const res = await get(`/v2/pit/app/_tags/prod?${q}`);
    expect(res.status).toBe(400);
    expect(await errorCode(res)).toBe('PARAMETER_INVALID');
  });
});

describe('GET /v2/_resolve with name:tag@digest', () => {
  it('answers 200 for a digest the tag had, with its intervals, and 404 MANIFEST_UNKNOWN for one it never had', async () => {
    const start = now;
    await putTag(t.url, 'rs/app', '1.4', 'd1'); // +1
    await putTag(t.url, 'rs/app', '1.4', 'd2'); // +2
    const ref = (seed: string) => encodeURIComponent(`rs/app:1.4@${digest(seed)}`);

    const past = await json(`/v2/_resolve?reference=${ref('d1')}`);
    expect(past.status).toBe(200);
    expect(past.body).toMatchObject({ target: target('d1'), current: false, intervals: [{ from: { version: 1 }, to: { version: 2 } }] });
    expect((await json(`/v2/_resolve?reference=${ref('d2')}`)).body).toMatchObject({ current: true, intervals: [{ to: null }] });

    const never = await get(`/v2/_resolve?reference=${ref('zz')}`);
    expect(never.status).toBe(404);
    expect(await errorCode(never)).toBe('MANIFEST_UNKNOWN');

    const when = new Date(start + 90_000).toISOString();
    expect((await get(`/v2/_resolve?reference=${ref('d1')}&at=${when}`)).status).toBe(200);
    expect((await get(`/v2/_resolve?reference=${ref('d2')}&at=${when}`)).status).toBe(404);
    expect((await json(`/v2/_resolve?reference=${encodeURIComponent('rs/app:1.4')}&at=${when}`)).body).toMatchObject({ target: target('d1') });
  });
});

describe('aliases and the digest index', () => {
  it('lists the other tags at the same digest now, and every tag that ever pointed at a digest', async () => {
    await putTag(t.url, 'al/ubuntu', '14.04', 'u1');
    await putTag(t.url, 'al/ubuntu', '14.04.2', 'u1');
    await putTag(t.url, 'al/ubuntu', 'latest', 'u1');
    await putTag(t.url, 'al/ubuntu', 'latest', 'u2');

    expect((await json('/v2/al/ubuntu/_tags/14.04/aliases')).body).toEqual({ name: 'al/ubuntu', tag: '14.04', digest: digest('u1'), aliases: ['14.04.2'] });
    expect((await get('/v2/al/ubuntu/_tags/nope/aliases')).status).toBe(404);

    const nowTags = await json(`/v2/al/ubuntu/_digests/${digest('u1')}/tags`);
    expect(nowTags.body.tags.map((x: { tag: string }) => x.tag)).toEqual(['14.04', '14.04.2']);
    const ever = await json(`/v2/al/ubuntu/_digests/${digest('u1')}/tags?history=true&n=2`);
    expect(ever.body.tags.map((x: { tag: string; current: boolean }) => [x.tag, x.current])).toEqual([
      ['14.04', true],
      ['14.04.2', true],
    ]);
    expect(ever.headers.get('link')).toBe(`</v2/al/ubuntu/_digests/${digest('u1')}/tags?history=true&n=2&last=14.04.2>; rel="next"`);
    const rest = await json(`/v2/al/ubuntu/_digests/${digest('u1')}/tags?history=true&n=2&last=14.04.2`);
    expect(rest.body.tags).toMatchObject([{ tag: 'latest', current: false, intervals: [{ from: { version: 1 }, to: { version: 2 } }] }]);
    expect((await get(`/v2/al/ubuntu/_digests/${digest('u1')}/tags?history=maybe`)).status).toBe(400);
    expect((await get('/v2/al/ubuntu/_digests/sha256:zz/tags')).status).toBe(400);
  });
});

describe('POST /v2/<name>/_tags/<tag>/restore', () => {
  it('moves the tag back by version or digest with a TagRestored event, honouring If-Match', async () => {
    await putTag(t.url, 'rb/app', 'prod', 'r1');
    await putTag(t.url, 'rb/app', 'prod', 'r2');
    const stale = await post('/v2/rb/app/_tags/prod/restore', { version: 1 }, { 'if-match': '"1"' });
    expect(stale.status).toBe(412);

    const byVersion = await post('/v2/rb/app/_tags/prod/restore', { version: 1 }, { 'if-match': '"2"' });
    expect(byVersion.status).toBe(200);
    expect(byVersion.headers.get('etag')).toBe('"3"');
    expect(await body(byVersion)).toMatchObject({ version: 3, target: target('r1'), events: [{ type: 'TagRestored', version: 3 }] });

    const byDigest = await post('/v2/rb/app/_tags/prod/restore', { digest: digest('r2') });
    expect(await body(byDigest)).toMatchObject({ version: 4, target: target('r2') });
    const history = await json('/v2/rb/app/_tags/prod/history?n=1');
    expect(history.body.events[0]).toMatchObject({ type: 'TagRestored', restoredVersion: 2, previous: target('r1'), target: target('r2') });
  });

  it('answers each event byte for byte as the log row mapped in Node (Postgres writes the JSON)', async () => {
    await putTag(t.url, 'rb/bytes', 'v', 'b1');
    await putTag(t.url, 'rb/bytes', 'v', 'b2');
    await del('/v2/rb/bytes/_tags/v');
    expect((await post('/v2/rb/bytes/_tags/v/restore', { version: 2 })).status).toBe(200);
    const rows = await t.infrastructure.db
      .selectFrom('events')
      .select(['version', 'position', 'type', 'data', 'actor', 'recorded_at', 'jws'])
      .where('stream_id', '=', tagStreamId('rb/bytes', 'v'))
      .orderBy('version', 'desc')
      .execute();
    const text = await (await get('/v2/rb/bytes/_tags/v/history')).text();
    expect(text).toBe(JSON.stringify({ name: 'rb/bytes', tag: 'v', events: rows.map(toTagEventView) }));
  });

  it('undeletes a deleted tag', async () => {
    await putTag(t.url, 'rb/undel', 'v', 'x1');
    await del('/v2/rb/undel/_tags/v');
    expect((await post('/v2/rb/undel/_tags/v/restore', { version: 1 })).status).toBe(200);
    expect((await json('/v2/rb/undel/_tags/v')).body).toMatchObject({ target: target('x1'), version: 3 });
  });

  it('answers 404 for a target the tag never had, and 400 for a malformed body', async () => {
    await putTag(t.url, 'rb/bad', 'v', 'b1');
    await del('/v2/rb/bad/_tags/v');
    const cases: [unknown, number, string][] = [
      [{ digest: digest('never') }, 404, 'MANIFEST_UNKNOWN'],
      [{ version: 9 }, 404, 'VERSION_UNKNOWN'],
      [{ version: 2 }, 404, 'VERSION_UNKNOWN'],
      [{ version: 0 }, 400, 'BODY_INVALID'],
      [{ version: 1, digest: digest('b1') }, 400, 'BODY_INVALID'],
      [{ digest: 'sha256:short' }, 400, 'DIGEST_INVALID'],
      [[1], 400, 'BODY_INVALID'],
    ];
    for (const [body, status, code] of cases) {
      const res = await post('/v2/rb/bad/_tags/v/restore', body);
      expect([body, res.status, await errorCode(res)]).toEqual([body, status, code]);
    }
    expect((await get('/v2/rb/bad/_tags/v')).status).toBe(404);
  });
});

describe('POST /v2/_batch', () => {
  const op = (o: string, name: string, tag: string, seed?: string, expectedVersion?: number) => ({
    op: o,
    name,
    tag,
    ...(seed ? { target: target(seed) } : {}),
    ...(expectedVersion !== undefined ? { expectedVersion } : {}),
  });

  it('moves several tags in several repositories together', async () => {
    await putTag(t.url, 'bt/ubuntu', '14.04', 'a');
    await putTag(t.url, 'bt/ubuntu', 'latest', 'a');
    const res = await post('/v2/_batch', {
      operations: [op('move', 'bt/ubuntu', '14.04', 'b', 1), op('move', 'bt/ubuntu', 'latest', 'b'), op('create', 'bt/other', '14.04.2', 'b')],
    });
    expect(res.status).toBe(200);
    const result = await body(res);
    expect(result.operations.map((o: { op: string; version: number }) => [o.op, o.version])).toEqual([
      ['move', 2],
      ['move', 2],
      ['create', 1],
    ]);
    const positions = result.operations.map((o: { events: { position: number }[] }) => o.events[0]!.position);
    expect(positions[1] - positions[0]).toBe(1);
    expect((await json('/v2/bt/ubuntu/_tags/latest/aliases')).body.aliases).toEqual(['14.04']);
  });

  it('writes nothing and names the failing operation on a stale version or a decider error', async () => {
    await putTag(t.url, 'bt/fail', 'a', 'f1');
    const stale = await post('/v2/_batch', { operations: [op('move', 'bt/fail', 'a', 'f2'), op('delete', 'bt/fail', 'a2', undefined, 0)] });
    expect(stale.status).toBe(404);
    expect((await body(stale)).errors[0]).toMatchObject({ code: 'TAG_UNKNOWN', detail: { index: 1 } });
    const precondition = await post('/v2/_batch', { operations: [op('create', 'bt/fail', 'b', 'f2'), op('move', 'bt/fail', 'a', 'f2', 5)] });
    expect(precondition.status).toBe(412);
    expect((await body(precondition)).errors[0]).toMatchObject({ code: 'PRECONDITION_FAILED', detail: { index: 1 } });
    const exists = await post('/v2/_batch', { operations: [op('create', 'bt/fail', 'a', 'f3')] });
    expect(exists.status).toBe(412);
    expect((await json('/v2/bt/fail/_tags/a')).body).toMatchObject({ version: 1, target: target('f1') });
    expect((await get('/v2/bt/fail/_tags/b')).status).toBe(404);
  });

  it.each([
    ['empty', { operations: [] }],
    ['too large', { operations: Array.from({ length: 1001 }, (_, i) => op('create', 'bt/big', `t${i}`, 'x')) }],
    ['not a list', { operations: {} }],
    ['unknown op', { operations: [op('rename', 'bt/x', 'a', 'x')] }],
    ['missing target', { operations: [op('create', 'bt/x', 'a')] }],
    ['target on delete', { operations: [op('delete', 'bt/x', 'a', 'x')] }],
    ['a second operation on one tag that is refused', { operations: [op('create', 'bt/x', 'a', 'x'), op('create', 'bt/x', 'a', 'y')] }],
    ['bad name', { operations: [op('create', 'BT/x', 'a', 'x')] }],
    ['bad expectedVersion', { operations: [{ ...op('create', 'bt/x', 'a', 'x'), expectedVersion: '1' }] }],
  ])('answers 4xx for a batch that is %s, writing nothing', async (_, body) => {
    const res = await post('/v2/_batch', body);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect((await get('/v2/bt/x/tags/list')).status).toBe(404);
  });

  it('applies several operations on one tag in order', async () => {
    const res = await post('/v2/_batch', {
      operations: [op('create', 'bt/seq', 'a', 'x'), op('move', 'bt/seq', 'a', 'y'), op('delete', 'bt/seq', 'a'), op('create', 'bt/seq', 'a', 'z')],
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { operations: { version: number }[] };
    expect(body.operations.map((o) => o.version)).toEqual([1, 2, 3, 4]);
    const tag = (await (await get('/v2/bt/seq/_tags/a')).json()) as { version: number; target: { digest: string } };
    expect(tag.version).toBe(4);
  });

  it('takes 1,000 operations in one transaction', async () => {
    const operations = Array.from({ length: 1000 }, (_, i) => op('create', 'bt/thousand', `t${i}`, `k${i}`));
    const res = await post('/v2/_batch', { operations });
    expect(res.status).toBe(200);
    const events = (await body(res)).operations.map((o: { events: { position: number }[] }) => o.events[0]!.position);
    expect(Math.max(...events) - Math.min(...events)).toBe(999);
  });
});
