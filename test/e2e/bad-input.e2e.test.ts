import { sql } from 'kysely';
import { digest, MANIFEST_MEDIA_TYPE, tagObject } from '../support/fixtures';
import { startTestApp, type TestApp } from '../support/test-app';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const TAG_JSON = 'application/vnd.docker.distribution.tag.v1+json';
const good = tagObject('bad/app', 'v1', 'x');
const withTarget = (target: Record<string, unknown>) => JSON.stringify({ ...good, target: { ...good.target, ...target } });

interface Case {
  name: string;
  path?: string;
  body?: string;
  headers?: Record<string, string>;
  status: number;
  code: string;
}

const cases: Case[] = [
  { name: 'malformed JSON', body: '{"name": ', status: 400, code: 'BODY_INVALID' },
  { name: 'a JSON array', body: '[]', status: 400, code: 'BODY_INVALID' },
  { name: 'JSON null', body: 'null', status: 400, code: 'BODY_INVALID' },
  { name: 'a wrong content type', headers: { 'content-type': 'text/plain' }, status: 415, code: 'UNSUPPORTED' },
  { name: 'the manifest media type as content type', headers: { 'content-type': MANIFEST_MEDIA_TYPE }, status: 415, code: 'UNSUPPORTED' },
  { name: 'a body over 64 KiB', body: JSON.stringify({ ...good, pad: 'x'.repeat(70_000) }), status: 413, code: 'SIZE_INVALID' },
  { name: 'an uppercase name in the path', path: '/v2/Bad/App/_tags/v1', status: 400, code: 'NAME_INVALID' },
  { name: 'a name over 255 characters', path: `/v2/${'a'.repeat(256)}/_tags/v1`, status: 400, code: 'NAME_INVALID' },
  { name: 'a tag starting with a dot', path: '/v2/bad/app/_tags/.v1', status: 400, code: 'TAG_INVALID' },
  { name: 'a tag over 128 characters', path: `/v2/bad/app/_tags/${'t'.repeat(129)}`, status: 400, code: 'TAG_INVALID' },
  { name: 'a name in the body that disagrees with the path', body: JSON.stringify({ ...good, name: 'bad/other' }), status: 400, code: 'NAME_INVALID' },
  { name: 'a tag in the body that disagrees with the path', body: JSON.stringify({ ...good, tag: 'v2' }), status: 400, code: 'TAG_INVALID' },
  { name: 'a short digest', body: withTarget({ digest: 'sha256:abc' }), status: 400, code: 'DIGEST_INVALID' },
  { name: 'an uppercase digest', body: withTarget({ digest: `sha256:${'A'.repeat(64)}` }), status: 400, code: 'DIGEST_INVALID' },
  { name: 'an unsupported digest algorithm', body: withTarget({ digest: `md5:${'a'.repeat(32)}` }), status: 400, code: 'DIGEST_INVALID' },
  { name: 'digest and digests[0] that differ', body: withTarget({ digests: [digest('other')] }), status: 400, code: 'DIGEST_INVALID' },
  {
    name: 'an empty digests array',
    body: JSON.stringify({ ...good, target: { mediaType: MANIFEST_MEDIA_TYPE, size: 1, digests: [] } }),
    status: 400,
    code: 'BODY_INVALID',
  },
  { name: 'a negative size', body: withTarget({ size: -1 }), status: 400, code: 'SIZE_INVALID' },
  { name: 'a fractional size', body: withTarget({ size: 1.5 }), status: 400, code: 'SIZE_INVALID' },
  { name: 'a size as a string', body: withTarget({ size: '12' }), status: 400, code: 'SIZE_INVALID' },
  { name: 'a missing media type', body: withTarget({ mediaType: undefined }), status: 400, code: 'BODY_INVALID' },
  { name: 'an unknown field in the tag object', body: JSON.stringify({ ...good, annotations: { a: 'b' } }), status: 400, code: 'BODY_INVALID' },
  { name: 'an unknown field in the target', body: withTarget({ urls: ['http://elsewhere'] }), status: 400, code: 'BODY_INVALID' },
  { name: 'a malformed If-Match', headers: { 'if-match': 'yesterday' }, status: 400, code: 'PARAMETER_INVALID' },
  { name: 'an If-None-Match other than *', headers: { 'if-none-match': '"1"' }, status: 400, code: 'PARAMETER_INVALID' },
];

describe('PUT /v2/<name>/_tags/<tag> with bad input', () => {
  it.each(cases)('answers $name with $status $code and stores nothing', async ({ path, body, headers, status, code }) => {
    const res = await fetch(`${t.url}${path ?? '/v2/bad/app/_tags/v1'}`, {
      method: 'PUT',
      headers: { 'content-type': TAG_JSON, ...headers },
      body: body ?? JSON.stringify(good),
    });
    expect(res.status).toBe(status);
    const answer = await res.json();
    expect(answer).toMatchObject({ errors: [{ code, message: expect.any(String) }] });
    const { rows } = await sql<{ n: string }>`select count(*) as n from events`.execute(t.infrastructure.db);
    expect(Number(rows[0]!.n)).toBe(0);
  });

  it('accepts the same request once it is well-formed', async () => {
    const res = await fetch(`${t.url}/v2/bad/app/_tags/v1`, { method: 'PUT', headers: { 'content-type': TAG_JSON }, body: JSON.stringify(good) });
    expect(res.status).toBe(201);
  });
});

describe('other endpoints with bad input', () => {
  it.each([
    ['GET', '/v2/bad/app/tags/list?n=-1', 400, 'PARAMETER_INVALID'],
    ['GET', '/v2/bad/app/tags/list?last=.x', 400, 'TAG_INVALID'],
    ['GET', '/v2/_resolve', 400, 'PARAMETER_INVALID'],
    ['DELETE', '/v2/BAD/_tags/v1', 400, 'NAME_INVALID'],
    ['DELETE', '/v2/bad/app/_tags/v1', 400, 'PARAMETER_INVALID'],
    ['GET', '/v2/nothing/here', 404, 'NOT_FOUND'],
  ])('%s %s answers %i %s', async (method, path, status, code) => {
    const headers: Record<string, string> = method === 'DELETE' && code === 'PARAMETER_INVALID' ? { 'if-match': 'nope' } : {};
    const res = await fetch(`${t.url}${path}`, { method, headers });
    expect(res.status).toBe(status);
    expect(await res.json()).toMatchObject({ errors: [{ code }] });
  });
});
