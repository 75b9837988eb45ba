import { TAG_MEDIA_TYPE } from '@tag-history/domain';
import { digest, MANIFEST_MEDIA_TYPE, putTag, tagObject } from '../support/fixtures';
import { rawRequest } from '../support/raw-http';
import { startTestApp, type TestApp } from '../support/test-app';

// Issue 18: every input checked at the edge, every error an OCI error. Without authentication: every caller may call every route.
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
  await putTag(t.url, 'edge/app', 'v1', 'one');
});
afterAll(() => t.close());

const eventCount = async () =>
  Number(
    (
      await t.infrastructure.db
        .selectFrom('events')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
const json = { 'content-type': 'application/json' };
const pin = (name: string, seed: string, body: string, headers: Record<string, string> = {}) =>
  fetch(`${t.url}/v2/${name}/_pins/${digest(seed)}`, { method: 'PUT', headers: { ...json, ...headers }, body });

async function expectError(res: Response, status: number, code: string) {
  const text = await res.text();
  expect({ status: res.status, body: JSON.parse(text) }).toMatchObject({ status, body: { errors: [{ code }] } });
  return { text, error: JSON.parse(text).errors[0] };
}

describe('finding 1: strings that reach the database or a signed payload are storable text', () => {
  it.each([
    ['U+0000', '"x\\u0000y"'],
    ['a lone high surrogate', '"x\\ud800y"'],
    ['a lone low surrogate', '"\\udc00"'],
  ])('refuses a pin reason holding %s with 400 BODY_INVALID, and stores nothing', async (_what, reason) => {
    const before = await eventCount();
    await expectError(await pin('edge/app', 'poison', `{"reason":${reason}}`), 400, 'BODY_INVALID');
    expect(await eventCount()).toBe(before);
  });

  it('keeps a pair of surrogates (an emoji) and any other Unicode', async () => {
    const res = await pin('edge/app', 'emoji', JSON.stringify({ reason: 'kept \ud83d\udce6 for the release: ü, 中文' }));
    expect(res.status).toBe(201);
  });

  it('refuses U+0000 in a field name, in a signed tag header and in raw bytes that are not UTF-8', async () => {
    const put = (body: string | Buffer, type = TAG_MEDIA_TYPE) =>
      fetch(`${t.url}/v2/edge/app/_tags/v2`, { method: 'PUT', headers: { 'content-type': type }, body });
    await expectError(await put(JSON.stringify({ ...tagObject('edge/app', 'v2', 'x'), 'a\u0000': 1 })), 400, 'BODY_INVALID');
    const jws = { payload: 'e30', signatures: [{ protected: 'e30', header: { kid: 'k\u0000' }, signature: 'AA' }] };
    await expectError(await put(JSON.stringify(jws), 'application/vnd.docker.distribution.tag.v1+jws'), 400, 'BODY_INVALID');
    await expectError(await put(Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d])), 400, 'BODY_INVALID');
  });

  it("another repository's writes all succeed while one caller sends such pins", async () => {
    const poison = Array.from({ length: 24 }, (_, i) => pin('edge/poison', `p${i}`, i % 2 ? '{"reason":"x\\u0000y"}' : '{"reason":"x\\ud800y"}'));
    const writes = Array.from({ length: 24 }, (_, i) => putTag(t.url, 'edge/other', `t${i}`, `o${i}`));
    const [bad, good] = await Promise.all([Promise.all(poison), Promise.all(writes)]);
    expect(bad.map((r) => r.status)).toEqual(bad.map(() => 400));
    expect(good.map((r) => r.status)).toEqual(good.map(() => 201));
  });
});

describe('finding 8: deep JSON is a 400 with a short detail, and the Idempotency-Key is never left claimed', () => {
  const deep = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

  it('answers 400 for 32,000-deep arrays in target.digest, and a retry with the same key gets that answer at once', async () => {
    const body = `{"name":"edge/app","tag":"deep","target":{"mediaType":"${MANIFEST_MEDIA_TYPE}","size":1,"digest":${deep(32_000)}}}`;
    const send = () =>
      fetch(`${t.url}/v2/edge/app/_tags/deep`, { method: 'PUT', headers: { 'content-type': TAG_MEDIA_TYPE, 'idempotency-key': 'deep-1' }, body });
    const { text } = await expectError(await send(), 400, 'BODY_INVALID');
    expect(text.length).toBeLessThan(1_024);
    const retry = await send();
    expect(retry.status).toBe(400);
    expect(retry.headers.get('idempotent-replayed')).toBe('true');
  });

  it('answers 400 for 300,000-deep arrays in a batch', async () => {
    const body = `{"operations":[{"op":"create","name":"edge/app","tag":"b","target":{"mediaType":"a/b","size":1,"digest":${deep(300_000)}}}]}`;
    await expectError(await fetch(`${t.url}/v2/_batch`, { method: 'POST', headers: json, body }), 400, 'BODY_INVALID');
  });

  it('echoes at most a short excerpt of a long or nested value in the detail', async () => {
    const res = await putTag(t.url, 'edge/app', 'v1', 'x').then(() =>
      fetch(`${t.url}/v2/edge/app/_tags/v1`, {
        method: 'PUT',
        headers: { 'content-type': TAG_MEDIA_TYPE },
        body: JSON.stringify({ ...tagObject('edge/app', 'v1', 'x'), target: { mediaType: MANIFEST_MEDIA_TYPE, size: 1, digest: 'x'.repeat(40_000) } }),
      }),
    );
    const { error, text } = await expectError(res, 400, 'DIGEST_INVALID');
    expect(text.length).toBeLessThan(1_024);
    expect(Object.values(error.detail).every((v) => typeof v !== 'object' || v === null || Array.isArray(v))).toBe(true);
  });
});

describe('finding 9: repeated single-valued parameters and U+0000 in parameters are 400, on every route', () => {
  it.each([
    ['GET', '/v2/_audit?actor=a&actor=b'],
    ['GET', '/v2/_audit?actor=%00'],
    ['GET', '/v2/_audit?repository=edge/app&actor=b%00'],
    ['GET', '/v2/_gc/referenced?retention=P1D&retention=P2D'],
    ['POST', '/v2/_gc/sweeps?cursor=1&retention=P1D&retention=P2D'],
    ['POST', '/v2/_gc/sweeps?cursor=1&cursor=2'],
    ['GET', '/v2/edge/app/_tags/v1?at=2026-01-01T00:00:00Z&at=2026-01-02T00:00:00Z'],
    ['GET', '/v2/edge/app/tags/list?n=1&n=2'],
    ['GET', '/v2/edge/app/_tags/v1/history?last=1&last=2'],
    ['GET', '/v2/_resolve?reference=edge/app:v1&reference=edge/app:v2'],
    ['GET', '/v2/_events?repository=edge/app&repository=edge/other'],
    ['GET', '/v2/_log/verify?repository=edge/app&repository=edge/other'],
    ['GET', '/v2/_log/archived?repository=edge/app&repository=edge/other'],
    ['GET', '/v2/edge/app/_tags/v1?unknown=%00'],
  ])('%s %s', async (method, path) => {
    const res = await fetch(`${t.url}${path}`, { method, headers: { 'content-type': 'application/x-ndjson' }, body: method === 'POST' ? '' : undefined });
    await expectError(res, 400, 'PARAMETER_INVALID');
  });

  it('answers a CSV export with a bad filter with 400, not a cut stream', async () => {
    await expectError(await fetch(`${t.url}/v2/_audit?actor=a&actor=b`, { headers: { accept: 'text/csv' } }), 400, 'PARAMETER_INVALID');
  });

  it('still takes a repeated type on the feed, the one multi-valued parameter', async () => {
    expect((await fetch(`${t.url}/v2/_events?type=TagCreated&type=TagMoved`)).status).toBe(200);
  });
});

describe('finding 10: dates are RFC 3339 exactly, the same on every route', () => {
  const impossible = ['2026-02-30T00:00:00Z', '2026-01-01T24:00:00Z', '2026-04-31T12:00:00Z', '2026-01-01T00:00:00+24:00', '2026-01-31'];
  const routes = [
    '/v2/edge/app/_tags/v1?at=',
    '/v2/_resolve?reference=edge/app:v1&at=',
    '/v2/edge/app/_oci/tag-history/v1?since=',
    '/v2/edge/app/_oci/tag-history/v1?before=',
    '/v2/_audit?since=',
    '/v2/_audit?until=',
  ];
  it.each(routes.flatMap((route) => impossible.map((date) => [route, date])))('%s%s is 400', async (route, date) => {
    await expectError(await fetch(`${t.url}${route}${encodeURIComponent(date)}`), 400, 'PARAMETER_INVALID');
  });

  it('reads the same valid date the same way everywhere', async () => {
    for (const route of routes) expect((await fetch(`${t.url}${route}${encodeURIComponent('2030-02-28T23:59:59.5+01:00')}`)).status).toBeLessThan(400);
  });
});

describe("finding 13: the router's and Node's errors carry the OCI body", () => {
  it("answers a path over the router's parameter limit with 414 and the OCI body", async () => {
    const res = await fetch(`${t.url}/v2/${'team/'.repeat(600)}a/_tags/v1`);
    await expectError(res, 414, 'NAME_INVALID');
  });

  it('answers bad percent-encoding in the path with the OCI body', async () => {
    const res = await fetch(`${t.url}/v2/edge/app/_tags/%E0%A4%A`);
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(await res.json()).toMatchObject({ errors: [{ code: expect.any(String) }] });
  });

  it("answers headers over Node's limit with 431 and the OCI body", async () => {
    const res = await rawRequest(t.url, `GET /v2/edge/app/_tags/v1 HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`);
    expect(res.status).toBe(431);
    expect(JSON.parse(res.body)).toMatchObject({ errors: [{ code: 'PARAMETER_INVALID' }] });
  });

  it('answers bad bytes in a header with 400 and the OCI body', async () => {
    const res = await rawRequest(t.url, `GET /v2/edge/app/_tags/v1 HTTP/1.1\r\nHost: x\r\nX-Bad: a\u0000b\r\n\r\n`);
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({ errors: [{ code: expect.any(String), message: expect.any(String) }] });
  });
});
