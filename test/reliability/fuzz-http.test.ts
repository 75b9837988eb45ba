import { request } from 'node:http';
import { TAG_MEDIA_TYPE } from '@tag-history/domain';
import fc from 'fast-check';
import { digest, MANIFEST_MEDIA_TYPE } from '../support/fixtures';
import { startTestApp, type TestApp } from '../support/test-app';
import { report } from './support/report';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const NAME = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;
const DIGEST = /^sha256:[0-9a-f]{64}$|^sha512:[0-9a-f]{128}$/;
const chars = fc.constantFrom(...'aZ09._-_/:@%?#&=+ \\"\'{}[]~é\u0000'.split(''), '..', '%2F', '%00', '__');
const junk = fc.oneof(fc.string({ maxLength: 40 }), fc.array(chars, { maxLength: 30 }).map((a) => a.join('')));

// What an HTTP client can put in a header value at all.
const headerJunk = junk.filter((s) => /^[\t\x20-\x7e\x80-\xff]*$/.test(s));

const badName = fc.oneof(
  junk.filter((s) => !(NAME.test(s) && s.length <= 255)),
  fc.constantFrom('App', 'a//b', 'a/', '-a', 'a__-b', 'a/../b', 'a'.repeat(256), 'UPPER/case'),
);
const badTag = fc.oneof(junk.filter((s) => s !== '' && !TAG.test(s)), fc.constantFrom('-x', '.x', 'x'.repeat(129), 'a/b'));
const badDigest = fc.oneof(
  junk.filter((s) => !DIGEST.test(s)),
  fc.constantFrom(`sha256:${'F'.repeat(64)}`, `sha256:${'a'.repeat(63)}`, `md5:${'a'.repeat(32)}`, `sha512:${'a'.repeat(64)}`, 'sha256:', ''),
);
// An If-Match that parses to version 0 would let a create through, and creating is not the point here.
const badIfMatch = headerJunk.filter((s) => !/^\s*(?:W\/)?"?0*"?\s*$/.test(s));

const validTarget = { mediaType: MANIFEST_MEDIA_TYPE, size: 1, digest: digest('fuzz') };

/** A PUT with exactly one part broken, and any other request shape: none may store an event. */
const malformed = fc.oneof(
  fc.record({ broken: fc.constant('name'), name: badName }),
  fc.record({ broken: fc.constant('tag'), tag: badTag }),
  fc.record({ broken: fc.constant('digest'), digest: badDigest }),
  fc.record({ broken: fc.constant('content-type'), contentType: headerJunk.filter((s) => !/^\s*application\/(json|vnd\.docker\.distribution\.tag\.v1\+json)\s*(;|$)/i.test(s)) }),
  fc.record({ broken: fc.constant('if-match'), ifMatch: badIfMatch }),
  fc.record({ broken: fc.constant('if-none-match'), ifNoneMatch: headerJunk.filter((s) => s.trim() !== '*') }),
  fc.record({ broken: fc.constant('body-json'), body: fc.json() }),
  fc.record({ broken: fc.constant('body-bytes'), body: junk }),
  fc.record({ broken: fc.constant('body-fields'), fields: fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue(), { minKeys: 1, maxKeys: 3 }) }),
  fc.record({ broken: fc.constant('size'), size: fc.oneof(fc.integer({ max: -1 }), fc.double().filter((d) => !Number.isInteger(d)), fc.string(), fc.constant(null)) }),
  fc.record({ broken: fc.constant('other-method'), method: fc.constantFrom('GET', 'DELETE', 'POST', 'PATCH', 'HEAD', 'OPTIONS'), name: fc.oneof(badName, fc.constant('fuzz/app')) }),
  fc.record({ broken: fc.constant('resolve'), reference: junk }),
  fc.record({ broken: fc.constant('path'), path: junk }),
);

type Malformed = { broken: string } & Record<string, unknown>;

// Percent-encodes what would change the URL's structure, keeping "/" in names so that it reaches the router as sent.
const encode = (s: string, keepSlash: boolean) => [...s].map((c) => (/[A-Za-z0-9._~-]/.test(c) || (keepSlash && c === '/') ? c : encodeURIComponent(c).replace(/!/g, '%21'))).join('');

function toRequest(m: Malformed): { method: string; path: string; headers: Record<string, string>; body?: string } {
  const name = (m.name as string | undefined) ?? 'fuzz/app';
  const tag = (m.tag as string | undefined) ?? 'v1';
  const headers: Record<string, string> = { 'content-type': (m.contentType as string | undefined) ?? TAG_MEDIA_TYPE };
  if (m.ifMatch !== undefined) headers['if-match'] = m.ifMatch as string;
  if (m.ifNoneMatch !== undefined) headers['if-none-match'] = m.ifNoneMatch as string;
  const target: Record<string, unknown> = { ...validTarget };
  if (m.digest !== undefined) target.digest = m.digest;
  if (m.broken === 'size') target.size = m.size;
  const object = { name, tag, target, ...((m.fields as object | undefined) ?? {}) };
  const body = m.body === undefined ? JSON.stringify(object) : typeof m.body === 'string' && m.broken === 'body-bytes' ? m.body : JSON.stringify(m.body);
  const path = `/v2/${encode(name, true)}/_tags/${encode(tag, false)}`;
  switch (m.broken) {
    case 'other-method':
      return { method: m.method as string, path, headers, body: m.method === 'GET' || m.method === 'HEAD' ? undefined : body };
    case 'resolve':
      return { method: 'GET', path: `/v2/_resolve?reference=${encodeURIComponent(m.reference as string)}`, headers };
    case 'path':
      return { method: 'PUT', path: `/v2/${encode(m.path as string, true)}`, headers, body };
    default:
      return { method: 'PUT', path, headers, body };
  }
}

// A connection per request: an answer sent before a bad body was read may close the connection,
// and a reused socket would then fail the next, unrelated request.
function send(r: ReturnType<typeof toRequest>): Promise<{ status: number; body: string }> {
  const url = new URL(t.url);
  // Content-Length always: Node sends a DELETE or OPTIONS body without framing, which is not a request at all.
  const headers = r.body === undefined ? r.headers : { ...r.headers, 'content-length': String(Buffer.byteLength(r.body)) };
  return new Promise((resolve, reject) => {
    const req = request({ host: url.hostname, port: url.port, method: r.method, path: r.path, headers, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, body }));
    });
    req.on('error', reject);
    req.end(r.body);
  });
}

describe('fuzzing: the HTTP API with malformed input', () => {
  it('never answers 5xx, answers errors with the OCI body, and never stores an event', async () => {
    const statuses: Record<string, number> = {};
    let tried = 0;
    await fc.assert(
      fc.asyncProperty(malformed, async (m) => {
        const r = toRequest(m as Malformed);
        const res = await send(r);
        tried++;
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        expect(res.status).toBeLessThan(500);
        if (r.method === 'PUT') expect(res.status).toBeGreaterThanOrEqual(400);
        if (res.status >= 400 && r.method !== 'HEAD') expect(JSON.parse(res.body)).toMatchObject({ errors: [{ code: expect.any(String) }] });
      }),
      { numRuns: Number(process.env.RELIABILITY_FUZZ_RUNS ?? 3000) },
    );
    const { count } = await t.infrastructure.db.selectFrom('events').select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow();
    report('fuzz HTTP', { 'inputs tried': tried, 'events stored': Number(count), statuses: JSON.stringify(statuses) });
    expect(Number(count)).toBe(0);
  });
});
