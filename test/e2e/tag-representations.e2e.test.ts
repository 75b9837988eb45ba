import { createPublicKey, verify } from 'node:crypto';
import {
  createLocalJWKSet,
  decodeProtectedHeader,
  exportJWK,
  flattenedVerify,
  GeneralSign,
  generalVerify,
  generateKeyPair,
  type JSONWebKeySet,
  type JWK,
  type KeyLike,
} from 'jose';
import { TrustPolicy } from '../../apps/api/src/auth/trust-policy';
import { digest, putTag, tagObject, target } from '../support/fixtures';
import { startTestApp, type TestApp } from '../support/test-app';

const JSON_TYPE = 'application/vnd.docker.distribution.tag.v1+json';
const JWS_TYPE = 'application/vnd.docker.distribution.tag.v1+jws';
const PRETTY_TYPE = 'application/vnd.docker.distribution.tag.v1+prettyjws';
const OFFERED = [JSON_TYPE, JWS_TYPE, PRETTY_TYPE, 'application/json'];

interface Signature {
  protected: string;
  header?: Record<string, unknown>;
  signature: string;
}
interface GeneralJws {
  payload: string;
  signatures: Signature[];
}

let t: TestApp;
let alice: { privateKey: KeyLike; jwk: JWK };
let jwks: JSONWebKeySet;
beforeAll(async () => {
  const pair = await generateKeyPair('ES256');
  alice = { privateKey: pair.privateKey, jwk: { ...(await exportJWK(pair.publicKey)), kid: 'alice', alg: 'ES256' } };
  const trust = await TrustPolicy.of([
    { repositories: 'signed/**', keys: { keys: [alice.jwk] }, requireSigned: true },
    { repositories: 'mixed/**', keys: { keys: [alice.jwk] } },
  ]);
  t = await startTestApp({ access: { trust } });
  jwks = (await (await fetch(`${t.url}/.well-known/jwks.json`)).json()) as JSONWebKeySet;
});
afterAll(() => t.close());

const mediaType = (res: Response) => res.headers.get('content-type')?.split(';')[0] ?? null;
const get = (path: string, accept?: string, method = 'GET') => fetch(`${t.url}${path}`, { method, headers: accept === undefined ? {} : { accept } });
const eventCount = async () =>
  Number(
    (
      await t.infrastructure.db
        .selectFrom('events')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
const b64 = (bytes: string | Buffer) => Buffer.from(bytes).toString('base64url');

/** The tag object a verified statement stands for, in the shape of the +json answer. */
function tagOf(payload: Uint8Array, header: Record<string, unknown> = {}) {
  const object = JSON.parse(Buffer.from(payload).toString('utf8')) as { name: string; tag: string; target: Record<string, unknown> };
  const { mediaType, size, digest: d, digests } = object.target as { mediaType: string; size: number; digest?: string; digests?: string[] };
  return {
    name: object.name,
    tag: object.tag,
    target: { mediaType, size, digest: d ?? digests![0] },
    version: header.version,
    position: header.position,
    updatedAt: header.updatedAt,
    updatedBy: header.updatedBy,
  };
}

/** First verifier: jose, general serialisation, against the served JWKS only. */
async function verifyWithJose(jws: GeneralJws) {
  const { payload, protectedHeader } = await generalVerify(jws, createLocalJWKSet(jwks), { algorithms: ['EdDSA'] });
  return tagOf(payload, protectedHeader);
}

/** Second verifier: node:crypto on the signing input rebuilt by hand, with the served key whose kid the header names. */
function verifyWithNodeCrypto(payload: Buffer, signature: Signature): boolean {
  const header = JSON.parse(Buffer.from(signature.protected, 'base64url').toString()) as { alg: string; kid: string };
  const jwk = jwks.keys.find((k) => k.kid === header.kid);
  if (header.alg !== 'EdDSA' || !jwk) return false;
  const key = createPublicKey({ key: { kty: jwk.kty, crv: jwk.crv, x: jwk.x } as never, format: 'jwk' });
  return verify(null, Buffer.from(`${signature.protected}.${b64(payload)}`), key, Buffer.from(signature.signature, 'base64url'));
}

/** The bytes signed, rebuilt from a pretty JWS document as Docker's libtrust does: first formatLength bytes, then formatTail. */
function rebuildPretty(document: Buffer): { payload: Buffer; signatures: Signature[]; content: Record<string, unknown> } {
  const { signatures, ...content } = JSON.parse(document.toString('utf8')) as { signatures: Signature[] };
  const { formatLength, formatTail } = JSON.parse(Buffer.from(signatures[0]!.protected, 'base64url').toString()) as {
    formatLength: number;
    formatTail: string;
  };
  return { payload: Buffer.concat([document.subarray(0, formatLength), Buffer.from(formatTail, 'base64url')]), signatures, content };
}

async function jsonAnswer(path: string): Promise<{ updatedAt: string; position: number }> {
  const res = await get(path, JSON_TYPE);
  expect(res.status).toBe(200);
  return (await res.json()) as { updatedAt: string; position: number };
}

describe('GET /v2/<name>/_tags/<tag> in three media types', () => {
  beforeAll(async () => {
    expect((await putTag(t.url, 'team/app', 'v1', 'one')).status).toBe(201);
  });

  it('negotiates on Accept, says Vary: Accept, and answers +json by default', async () => {
    const cases: [string | undefined, string][] = [
      [undefined, JSON_TYPE],
      ['*/*', JSON_TYPE],
      ['application/*', JSON_TYPE],
      ['text/html,application/xhtml+xml,*/*;q=0.8', JSON_TYPE],
      ['application/json', 'application/json'],
      [JWS_TYPE, JWS_TYPE],
      [`${PRETTY_TYPE}, ${JSON_TYPE};q=0.5`, PRETTY_TYPE],
      [`${JSON_TYPE};q=0.4, ${JWS_TYPE};q=0.9`, JWS_TYPE],
      [`${JSON_TYPE};q=0, */*`, JWS_TYPE],
      [`APPLICATION/VND.DOCKER.DISTRIBUTION.TAG.V1+PRETTYJWS`, PRETTY_TYPE],
    ];
    for (const [accept, type] of cases) {
      const res = await get('/v2/team/app/_tags/v1', accept);
      expect({ accept, status: res.status, type: mediaType(res), vary: res.headers.get('vary'), etag: res.headers.get('etag') }).toEqual({
        accept,
        status: 200,
        type,
        vary: 'Accept',
        etag: '"1"',
      });
    }
  });

  it('answers 406 with the OCI error body listing what is offered, for an existing tag or not, with Vary: Accept', async () => {
    for (const [path, accept] of [
      ['/v2/team/app/_tags/v1', 'text/html'],
      ['/v2/team/app/_tags/v1', `${JSON_TYPE};q=0, ${JWS_TYPE};q=0, ${PRETTY_TYPE};q=0, application/json;q=0`],
      ['/v2/team/app/_tags/v1', 'application/vnd.docker.distribution.tag.v2+json'],
      ['/v2/team/app/_tags/missing', 'garbage'],
      ['/v2/team/app/_tags/v1?position=1', 'image/png'],
    ] as const) {
      const res = await get(path, accept);
      expect(res.status).toBe(406);
      expect(res.headers.get('vary')).toBe('Accept');
      expect(await res.json()).toEqual({
        errors: [{ code: 'NOT_ACCEPTABLE', message: expect.stringContaining(JWS_TYPE), detail: { accept, offered: OFFERED } }],
      });
    }
    const missing = await get('/v2/team/app/_tags/missing', JWS_TYPE);
    expect({ status: missing.status, vary: missing.headers.get('vary') }).toEqual({ status: 404, vary: 'Accept' });
  });

  it('+jws: the service signature verifies with the JWKS alone (jose and node:crypto) and yields the +json answer', async () => {
    const expected = await jsonAnswer('/v2/team/app/_tags/v1');
    const jws = (await (await get('/v2/team/app/_tags/v1', JWS_TYPE)).json()) as GeneralJws;
    expect(jws.signatures).toHaveLength(1);
    expect(await verifyWithJose(jws)).toEqual(expected);
    expect(verifyWithNodeCrypto(Buffer.from(jws.payload, 'base64url'), jws.signatures[0]!)).toBe(true);
    // The key signed while the JWKS says it was valid, and `time` says when.
    const header = decodeProtectedHeader(jws.signatures[0]!) as { kid: string; time: string };
    const key = jwks.keys.find((k) => k.kid === header.kid) as unknown as { valid_from: string | null; valid_until: string | null };
    expect(key.valid_until).toBeNull();
    expect(Date.parse(header.time)).toBeGreaterThanOrEqual(Date.parse(expected.updatedAt));
  });

  it('+prettyjws: the payload is the readable tag object, and the signed bytes rebuilt from formatLength/formatTail verify', async () => {
    const expected = await jsonAnswer('/v2/team/app/_tags/v1');
    const document = Buffer.from(await (await get('/v2/team/app/_tags/v1', PRETTY_TYPE)).arrayBuffer());
    const { payload, signatures, content } = rebuildPretty(document);
    expect(content).toEqual({ name: 'team/app', tag: 'v1', target: target('one') });
    expect(verifyWithNodeCrypto(payload, signatures[0]!)).toBe(true);
    const { payload: verified, protectedHeader } = await flattenedVerify({ payload: b64(payload), ...signatures[0]! }, createLocalJWKSet(jwks));
    expect(tagOf(verified, protectedHeader)).toEqual(expected);
    // The same signature and payload as the +jws answer.
    const jws = (await (await get('/v2/team/app/_tags/v1', JWS_TYPE)).json()) as GeneralJws;
    expect({ payload: b64(payload), signatures }).toEqual(jws);
  });

  it('HEAD answers the headers of each representation without a body', async () => {
    for (const type of [JSON_TYPE, JWS_TYPE, PRETTY_TYPE]) {
      const res = await get('/v2/team/app/_tags/v1', type, 'HEAD');
      expect({ status: res.status, type: mediaType(res), vary: res.headers.get('vary'), body: await res.text() }).toEqual({
        status: 200,
        type,
        vary: 'Accept',
        body: '',
      });
    }
    expect((await get('/v2/team/app/_tags/v1', 'text/plain', 'HEAD')).status).toBe(406);
  });

  it('tampering fails: with the payload, the protected header, the signature, or the pretty document', async () => {
    const jws = (await (await get('/v2/team/app/_tags/v1', JWS_TYPE)).json()) as GeneralJws;
    const sig = jws.signatures[0]!;
    const payload = Buffer.from(jws.payload, 'base64url').toString();
    const evilPayload = b64(payload.replace(digest('one'), digest('evil')));
    const header = JSON.parse(Buffer.from(sig.protected, 'base64url').toString()) as Record<string, unknown>;
    const evilHeader = b64(JSON.stringify({ ...header, version: 7 }));
    const flipped = Buffer.from(sig.signature, 'base64url');
    flipped[5] = flipped[5]! ^ 1;
    for (const tampered of [
      { payload: evilPayload, signatures: [sig] },
      { payload: jws.payload, signatures: [{ ...sig, protected: evilHeader }] },
      { payload: jws.payload, signatures: [{ ...sig, signature: flipped.toString('base64url') }] },
    ]) {
      await expect(verifyWithJose(tampered)).rejects.toThrow();
      expect(verifyWithNodeCrypto(Buffer.from(tampered.payload, 'base64url'), tampered.signatures[0]!)).toBe(false);
    }
    const document = Buffer.from(await (await get('/v2/team/app/_tags/v1', PRETTY_TYPE)).arrayBuffer()).toString();
    const evilDocument = rebuildPretty(Buffer.from(document.replace(digest('one'), digest('evil'))));
    expect(evilDocument.content).toMatchObject({ target: { digest: digest('evil') } });
    expect(verifyWithNodeCrypto(evilDocument.payload, evilDocument.signatures[0]!)).toBe(false);
    const shifted = rebuildPretty(Buffer.from(` ${document}`));
    expect(verifyWithNodeCrypto(shifted.payload, shifted.signatures[0]!)).toBe(false);
  });

  it('is one answer per tag version: read again it is the same bytes, a move signs the new version', async () => {
    const first = await (await get('/v2/team/app/_tags/v1', JWS_TYPE)).text();
    expect(await (await get('/v2/team/app/_tags/v1', JWS_TYPE)).text()).toBe(first);
    expect((await putTag(t.url, 'team/app', 'v1', 'two')).status).toBe(200);
    const moved = (await (await get('/v2/team/app/_tags/v1', JWS_TYPE)).json()) as GeneralJws;
    expect(await verifyWithJose(moved)).toEqual(await jsonAnswer('/v2/team/app/_tags/v1'));
    expect(await verifyWithJose(moved)).toMatchObject({ version: 2, target: target('two') });
    // The version before, read at its position, is the very answer served while it was current.
    const position = ((await verifyWithJose(JSON.parse(first) as GeneralJws)) as { position: number }).position;
    expect(await (await get(`/v2/team/app/_tags/v1?position=${position}`, JWS_TYPE)).text()).toBe(first);
  });
});

describe('point-in-time reads and _resolve, signed', () => {
  let times: string[] = [];
  beforeAll(async () => {
    times = [];
    for (const seed of ['p1', 'p2', 'p3']) {
      const res = await putTag(t.url, 'team/pit', 'live', seed);
      expect(res.status).toBeLessThan(300);
      times.push(((await res.json()) as { events: { time: string }[] }).events[0]!.time);
    }
  });

  it('?at= and ?position= answer the version then, in every media type, each round trip exact', async () => {
    for (const query of [`at=${times[1]}`, `position=${((await jsonAnswer('/v2/team/pit/_tags/live?at=' + times[1])) as { position: number }).position}`]) {
      const path = `/v2/team/pit/_tags/live?${query}`;
      const expected = await jsonAnswer(path);
      expect(expected).toMatchObject({ version: 2, target: target('p2') });
      const jwsRes = await get(path, JWS_TYPE);
      // Every tag answer carries its version's ETag (issue 12), a past version's too.
      expect({ type: mediaType(jwsRes), etag: jwsRes.headers.get('etag'), vary: jwsRes.headers.get('vary') }).toEqual({
        type: JWS_TYPE,
        etag: '"2"',
        vary: 'Accept',
      });
      expect(await verifyWithJose((await jwsRes.json()) as GeneralJws)).toEqual(expected);
      const pretty = rebuildPretty(Buffer.from(await (await get(path, PRETTY_TYPE)).arrayBuffer()));
      const { payload, protectedHeader } = await flattenedVerify({ payload: b64(pretty.payload), ...pretty.signatures[0]! }, createLocalJWKSet(jwks));
      expect(tagOf(payload, protectedHeader)).toEqual(expected);
    }
    expect((await get(`/v2/team/pit/_tags/live?at=2000-01-01T00:00:00Z`, JWS_TYPE)).status).toBe(404);
  });

  it('_resolve offers the tag representations for references with a tag, and only its own JSON otherwise', async () => {
    const current = await jsonAnswer('/v2/team/pit/_tags/live');
    const resolved = (await (await get('/v2/_resolve?reference=registry.example.com/team/pit:live', JWS_TYPE)).json()) as GeneralJws;
    expect(await verifyWithJose(resolved)).toEqual(current);
    expect(await jsonAnswer('/v2/_resolve?reference=team/pit:live')).toEqual(current);

    const then = await jsonAnswer(`/v2/team/pit/_tags/live?at=${times[0]}`);
    const at = (await (await get(`/v2/_resolve?reference=team/pit:live&at=${times[0]}`, JWS_TYPE)).json()) as GeneralJws;
    expect(await verifyWithJose(at)).toEqual(then);

    // name:tag@digest: the version that set that digest.
    const pinned = await get(`/v2/_resolve?reference=team/pit:live@${digest('p2')}`, PRETTY_TYPE);
    expect(mediaType(pinned)).toBe(PRETTY_TYPE);
    const pretty = rebuildPretty(Buffer.from(await pinned.arrayBuffer()));
    expect(verifyWithNodeCrypto(pretty.payload, pretty.signatures[0]!)).toBe(true);
    expect(tagOf(pretty.payload, decodeProtectedHeader(pretty.signatures[0]!))).toEqual(await jsonAnswer(`/v2/team/pit/_tags/live?at=${times[1]}`));

    // The resolution document stays the default, and is all a reference without a tag has.
    const plain = await get('/v2/_resolve?reference=team/pit:live');
    expect({ type: mediaType(plain), vary: plain.headers.get('vary') }).toEqual({ type: 'application/json', vary: 'Accept' });
    expect(await plain.json()).toMatchObject({ reference: { path: 'team/pit', tag: 'live' }, target: target('p3'), version: 3 });
    const byDigest = await get(`/v2/_resolve?reference=team/pit@${digest('p3')}`, JWS_TYPE);
    expect({ status: byDigest.status, vary: byDigest.headers.get('vary'), body: await byDigest.json() }).toEqual({
      status: 406,
      vary: 'Accept',
      body: { errors: [{ code: 'NOT_ACCEPTABLE', message: expect.any(String), detail: { accept: JWS_TYPE, offered: ['application/json'] } }] },
    });
    expect((await get(`/v2/_resolve?reference=team/pit@${digest('p3')}`)).status).toBe(200);
    expect((await get('/v2/_resolve?reference=team/pit:nope', JWS_TYPE)).status).toBe(404);
  });
});

describe('client-signed tags in the signed answers, and PUT +prettyjws', () => {
  /** A pretty JWS made the way libtrust makes one, independently of the service's encoder. */
  async function prettySigned(object: unknown, signers = [alice]): Promise<{ document: string; payload: string }> {
    const payload = JSON.stringify(object, null, 3);
    const formatLength = payload.length - 2;
    const formatTail = b64('\n}');
    const sign = new GeneralSign(new TextEncoder().encode(payload));
    for (const s of signers)
      sign.addSignature(s.privateKey).setProtectedHeader({ alg: 'ES256', kid: 'alice', formatLength, formatTail, time: new Date().toISOString() });
    const { signatures } = await sign.sign();
    const document = `${payload.slice(0, formatLength)},\n   "signatures": ${JSON.stringify(signatures, null, 3).replace(/\n/g, '\n   ')}\n}`;
    return { document, payload };
  }
  const put = (tag: string, type: string, body: string) =>
    fetch(`${t.url}/v2/signed/app/_tags/${tag}`, { method: 'PUT', headers: { 'content-type': type }, body });

  async function refused(tag: string, type: string, body: string, code: string) {
    const before = await eventCount();
    const res = await put(tag, type, body);
    expect({ status: res.status, body: await res.json() }).toMatchObject({ status: 400, body: { errors: [{ code }] } });
    expect(await eventCount()).toBe(before);
  }

  it('accepts a client-signed +prettyjws, and serves it back with the service signature first, both verifying', async () => {
    const { document, payload } = await prettySigned(tagObject('signed/app', 'p1', 'one'));
    const res = await put('p1', PRETTY_TYPE, document);
    expect(res.status).toBe(201);
    const expected = await jsonAnswer('/v2/signed/app/_tags/p1');
    expect(expected).toMatchObject({ target: target('one'), version: 1 });

    const jws = (await (await get('/v2/signed/app/_tags/p1', JWS_TYPE)).json()) as GeneralJws;
    expect(Buffer.from(jws.payload, 'base64url').toString()).toBe(payload);
    expect(jws.signatures).toHaveLength(2);
    expect(await verifyWithJose(jws)).toEqual(expected);
    const client = await generalVerify({ payload: jws.payload, signatures: [jws.signatures[1]!] }, createLocalJWKSet({ keys: [alice.jwk] }));
    expect(client.protectedHeader?.kid).toBe('alice');

    // The pretty answer is the client's document with the service's signature added in front.
    const served = Buffer.from(await (await get('/v2/signed/app/_tags/p1', PRETTY_TYPE)).arrayBuffer());
    const rebuilt = rebuildPretty(served);
    expect(rebuilt.payload.toString()).toBe(payload);
    expect(verifyWithNodeCrypto(rebuilt.payload, rebuilt.signatures[0]!)).toBe(true);
    await expect(
      flattenedVerify({ payload: b64(rebuilt.payload), ...rebuilt.signatures[1]! }, createLocalJWKSet({ keys: [alice.jwk] })),
    ).resolves.toBeDefined();
    expect(rebuilt.signatures[1]).toEqual((JSON.parse(document) as { signatures: Signature[] }).signatures[0]);
  });

  it('serves a client +jws the same way, its payload bytes untouched, in both signed media types', async () => {
    const payload = JSON.stringify({ tag: 'j1', name: 'signed/app', target: { mediaType: target('j').mediaType, size: 1234, digests: [digest('j')] } });
    const sign = new GeneralSign(new TextEncoder().encode(payload));
    sign.addSignature(alice.privateKey).setProtectedHeader({ alg: 'ES256', kid: 'alice' });
    const res = await put('j1', JWS_TYPE, JSON.stringify(await sign.sign()));
    expect(res.status).toBe(201);
    const expected = await jsonAnswer('/v2/signed/app/_tags/j1');
    const jws = (await (await get('/v2/signed/app/_tags/j1', JWS_TYPE)).json()) as GeneralJws;
    expect(Buffer.from(jws.payload, 'base64url').toString()).toBe(payload);
    expect(await verifyWithJose(jws)).toEqual(expected);
    const pretty = rebuildPretty(Buffer.from(await (await get('/v2/signed/app/_tags/j1', PRETTY_TYPE)).arrayBuffer()));
    expect(pretty.payload.toString()).toBe(payload);
    expect(pretty.content).toEqual(JSON.parse(payload));
    await expect(flattenedVerify({ payload: b64(pretty.payload), ...pretty.signatures[1]! }, createLocalJWKSet({ keys: [alice.jwk] }))).resolves.toBeDefined();
  });

  it('a restore of a client-signed target carries only the service signature: no client signed that event', async () => {
    const putMixed = (body: string) => fetch(`${t.url}/v2/mixed/app/_tags/r`, { method: 'PUT', headers: { 'content-type': PRETTY_TYPE }, body });
    expect((await putMixed((await prettySigned(tagObject('mixed/app', 'r', 'one'))).document)).status).toBe(201);
    expect((await putMixed((await prettySigned(tagObject('mixed/app', 'r', 'two'))).document)).status).toBe(200);
    const restore = await fetch(`${t.url}/v2/mixed/app/_tags/r/restore`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"version":1}',
    });
    expect(restore.status).toBe(200);
    const jws = (await (await get('/v2/mixed/app/_tags/r', JWS_TYPE)).json()) as GeneralJws;
    expect(jws.signatures).toHaveLength(1);
    expect(await verifyWithJose(jws)).toEqual(await jsonAnswer('/v2/mixed/app/_tags/r'));
    expect(await verifyWithJose(jws)).toMatchObject({ version: 3, target: target('one') });
  });

  it('refuses malformed pretty signatures with 400 and stores nothing', async () => {
    const object = tagObject('signed/app', 'bad', 'one');
    const { document, payload } = await prettySigned(object);
    const parsed = JSON.parse(document) as { signatures: Signature[] };
    const sig = parsed.signatures[0]!;
    const header = JSON.parse(Buffer.from(sig.protected, 'base64url').toString()) as Record<string, unknown>;
    const withSignature = (s: Signature) => `${payload.slice(0, payload.length - 2)},\n   "signatures": [${JSON.stringify(s)}]\n}`;

    await refused('bad', PRETTY_TYPE, 'not json', 'BODY_INVALID');
    await refused('bad', PRETTY_TYPE, JSON.stringify(object), 'BODY_INVALID');
    await refused('bad', PRETTY_TYPE, JSON.stringify({ ...object, signatures: [] }), 'BODY_INVALID');
    const { formatLength: _l, formatTail: _t, ...noFormat } = header;
    await refused('bad', PRETTY_TYPE, withSignature({ ...sig, protected: b64(JSON.stringify(noFormat)) }), 'BODY_INVALID');
    await refused('bad', PRETTY_TYPE, withSignature({ ...sig, protected: b64(JSON.stringify({ ...header, formatLength: 5 })) }), 'BODY_INVALID');
    await refused('bad', PRETTY_TYPE, withSignature({ ...sig, protected: b64(JSON.stringify({ ...header, formatLength: 1e6 })) }), 'BODY_INVALID');
    await refused('bad', PRETTY_TYPE, withSignature({ ...sig, protected: b64(JSON.stringify({ ...header, formatTail: '!!' })) }), 'BODY_INVALID');
    await refused('bad', PRETTY_TYPE, withSignature({ ...sig, protected: 'bm90IGpzb24' }), 'BODY_INVALID');
    // A member outside the signed bytes would be shown but not signed.
    await refused('bad', PRETTY_TYPE, document.replace(/\n\}$/, ',\n   "extra": 1\n}'), 'BODY_INVALID');
    // Re-indented, the document no longer holds the signed bytes where formatLength says.
    await refused('bad', PRETTY_TYPE, JSON.stringify(JSON.parse(document), null, 2), 'BODY_INVALID');
    // Well-formed, but the content changed after signing, or the signature did.
    await refused('bad', PRETTY_TYPE, document.replace(digest('one'), digest('evil')), 'SIGNATURE_INVALID');
    const flipped = Buffer.from(sig.signature, 'base64url');
    flipped[0] = flipped[0]! ^ 1;
    await refused('bad', PRETTY_TYPE, withSignature({ ...sig, signature: flipped.toString('base64url') }), 'SIGNATURE_INVALID');
    // A +jws whose signatures carry a format that does not fit its payload could never be served pretty.
    await refused(
      'bad',
      JWS_TYPE,
      JSON.stringify({ payload: b64(payload), signatures: [{ ...sig, protected: b64(JSON.stringify({ ...header, formatLength: 3 })) }] }),
      'BODY_INVALID',
    );
    expect((await get('/v2/signed/app/_tags/bad')).status).toBe(404);
  });
});
