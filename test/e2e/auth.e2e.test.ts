import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { decodeJwt, exportJWK, generateKeyPair, SignJWT } from 'jose';
import { TokenVerifier } from '../../apps/api/src/auth/token-verifier';
import { TrustPolicy } from '../../apps/api/src/auth/trust-policy';
import { putTag, tagObject, target } from '../support/fixtures';
import { startTestApp, type TestApp } from '../support/test-app';
import { AUDIENCE, catalog, createTokenIssuer, ISSUER, pull, push, type TokenIssuer } from '../support/token-issuer';

let t: TestApp;
let issuer: TokenIssuer;
beforeAll(async () => {
  issuer = await createTokenIssuer();
  t = await startTestApp({ access: { tokens: TokenVerifier.open(issuer.config), trust: TrustPolicy.empty } });
});
afterAll(() => t.close());

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const eventCount = async () =>
  Number(
    (
      await t.infrastructure.db
        .selectFrom('events')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

/** A well-formed token for team/app signed by a key the service does not trust. */
async function foreignToken(kid: string): Promise<string> {
  const { privateKey } = await generateKeyPair('ES256');
  return new SignJWT({ iss: ISSUER, aud: AUDIENCE, sub: 'mallory', exp: now() + 600, access: [push('team/app')] })
    .setProtectedHeader({ alg: 'ES256', kid })
    .sign(privateKey);
}

/** A PUT with this token is refused with `status` and `code`, and the log is unchanged. */
async function refused(token: string | undefined, status: number, code: string, name = 'team/app') {
  const before = await eventCount();
  const res = await putTag(t.url, name, 'prod', 'x', token === undefined ? {} : bearer(token));
  expect(res.status).toBe(status);
  expect(await res.json()).toMatchObject({ errors: [{ code }] });
  expect(await eventCount()).toBe(before);
  return res;
}

describe('bearer tokens', () => {
  it('lets a token with push on the repository write, and signs its sub as the actor and its jti into the event', async () => {
    const token = await issuer.mint([push('team/app')], { jti: 'token-123' }, 'ci-bot');
    const res = await putTag(t.url, 'team/app', 'stable', 'one', bearer(token));
    expect(res.status).toBe(201);
    const read = await fetch(`${t.url}/v2/team/app/_tags/stable`, { headers: bearer(token) });
    expect(await read.json()).toMatchObject({ updatedBy: 'ci-bot' });
    const row = await t.infrastructure.db.selectFrom('events').select(['actor', 'jws']).orderBy('position', 'desc').executeTakeFirstOrThrow();
    expect(row.actor).toBe('ci-bot');
    expect(decodeJwt(row.jws)).toMatchObject({ actor: 'ci-bot', jti: 'token-123' });
  });

  it('answers 401 with a Bearer challenge naming the scope when the token is missing', async () => {
    const res = await refused(undefined, 401, 'UNAUTHORIZED');
    expect(res.headers.get('www-authenticate')).toBe(`Bearer realm="${ISSUER}/token",service="${AUDIENCE}",scope="repository:team/app:push"`);
  });

  it('answers GET /v2/ with the API version to any valid token, and the challenge without one', async () => {
    const anonymous = await fetch(`${t.url}/v2/`);
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe(`Bearer realm="${ISSUER}/token",service="${AUDIENCE}"`);
    const res = await fetch(`${t.url}/v2/`, { headers: bearer(await issuer.mint([])) });
    expect(res.status).toBe(200);
    expect(res.headers.get('docker-distribution-api-version')).toBe('registry/2.0');
  });

  it('says Vary: Accept on a refused negotiated read too, and signs the tag for a reader with pull', async () => {
    const accept = 'application/vnd.docker.distribution.tag.v1+jws';
    expect((await putTag(t.url, 'team/app', 'vary', 'one', bearer(await issuer.mint([push('team/app')])))).status).toBe(201);
    const anonymous = await fetch(`${t.url}/v2/team/app/_tags/vary`, { headers: { accept } });
    expect({ status: anonymous.status, vary: anonymous.headers.get('vary') }).toEqual({ status: 401, vary: 'Accept' });
    const read = await fetch(`${t.url}/v2/team/app/_tags/vary`, { headers: { accept, ...bearer(await issuer.mint([pull('team/app')])) } });
    expect({ status: read.status, type: read.headers.get('content-type'), vary: read.headers.get('vary') }).toEqual({
      status: 200,
      type: accept,
      vary: 'Accept',
    });
  });

  it('refuses alg none', async () => {
    const token = `${b64({ alg: 'none', typ: 'JWT' })}.${b64({ iss: ISSUER, aud: AUDIENCE, sub: 'mallory', exp: now() + 600, access: [push('team/app')] })}.`;
    await refused(token, 401, 'UNAUTHORIZED');
  });

  it('refuses an HMAC token, even one keyed with the public JWK of the issuer', async () => {
    const header = b64({ alg: 'HS256', typ: 'JWT', kid: 'issuer-key-1' });
    const payload = b64({ iss: ISSUER, aud: AUDIENCE, sub: 'mallory', exp: now() + 600, access: [push('team/app')] });
    const publicJwk = JSON.stringify(await exportJWK(issuer.privateKey).then(({ d: _d, ...pub }) => pub));
    const signature = createHmac('sha256', publicJwk).update(`${header}.${payload}`).digest('base64url');
    await refused(`${header}.${payload}.${signature}`, 401, 'UNAUTHORIZED');
  });

  it('refuses an expired token and one not yet valid', async () => {
    const expired = await refused(await issuer.mint([push('team/app')], { exp: now() - 120 }), 401, 'UNAUTHORIZED');
    expect(expired.headers.get('www-authenticate')).toBe(
      `Bearer realm="${ISSUER}/token",service="${AUDIENCE}",scope="repository:team/app:push",error="invalid_token"`,
    );
    await refused(await issuer.mint([push('team/app')], { nbf: now() + 600 }), 401, 'UNAUTHORIZED');
  });

  it('refuses a token without exp', async () => {
    await refused(await issuer.mint([push('team/app')], { exp: undefined }), 401, 'UNAUTHORIZED');
  });

  it('refuses a wrong issuer and a wrong audience', async () => {
    await refused(await issuer.mint([push('team/app')], { iss: 'https://evil.example' }), 401, 'UNAUTHORIZED');
    await refused(await issuer.mint([push('team/app')], { aud: 'another-service' }), 401, 'UNAUTHORIZED');
  });

  it('refuses a token signed by a key with an unknown kid', async () => {
    await refused(await foreignToken('unknown-kid'), 401, 'UNAUTHORIZED');
  });

  it('refuses a token signed by another key that claims the trusted kid', async () => {
    await refused(await foreignToken('issuer-key-1'), 401, 'UNAUTHORIZED');
  });

  it('answers 403 DENIED for a scope on another repository, or pull where push is needed', async () => {
    const res = await refused(await issuer.mint([push('team/other')]), 403, 'DENIED');
    expect(res.headers.get('www-authenticate')).toContain('error="insufficient_scope"');
    await refused(await issuer.mint([pull('team/app')]), 403, 'DENIED');
    // A name that is a prefix is another repository.
    await refused(await issuer.mint([push('team')]), 403, 'DENIED', 'team/app');
  });

  it('needs delete to delete a tag', async () => {
    await putTag(t.url, 'team/del', 'v1', 'a', bearer(await issuer.mint([push('team/del')])));
    const withPush = await fetch(`${t.url}/v2/team/del/_tags/v1`, { method: 'DELETE', headers: bearer(await issuer.mint([push('team/del')])) });
    expect(withPush.status).toBe(403);
    const del = { type: 'repository', name: 'team/del', actions: ['delete'] };
    const withDelete = await fetch(`${t.url}/v2/team/del/_tags/v1`, { method: 'DELETE', headers: bearer(await issuer.mint([del])) });
    expect(withDelete.status).toBe(202);
  });

  it('needs pull to read, and pull on the named repository to resolve a reference', async () => {
    await putTag(t.url, 'team/read', 'v1', 'a', bearer(await issuer.mint([push('team/read')])));
    expect((await fetch(`${t.url}/v2/team/read/_tags/v1`)).status).toBe(401);
    expect((await fetch(`${t.url}/v2/team/read/_tags/v1`, { method: 'HEAD' })).status).toBe(401);
    expect((await fetch(`${t.url}/v2/team/read/tags/list`, { headers: bearer(await issuer.mint([pull('team/other')])) })).status).toBe(403);
    expect((await fetch(`${t.url}/v2/team/read/tags/list`, { headers: bearer(await issuer.mint([pull('team/read')])) })).status).toBe(200);
    const resolve = `${t.url}/v2/_resolve?reference=${encodeURIComponent('team/read:v1')}`;
    expect((await fetch(resolve, { headers: bearer(await issuer.mint([pull('team/other')])) })).status).toBe(403);
    expect((await fetch(resolve, { headers: bearer(await issuer.mint([pull('team/read')])) })).status).toBe(200);
  });

  it('needs registry:catalog:* for global endpoints, and leaves health and the JWKS public', async () => {
    expect((await fetch(`${t.url}/v2/_audit`, { headers: bearer(await issuer.mint([push('team/app')])) })).status).toBe(403);
    expect((await fetch(`${t.url}/v2/_audit`, { headers: bearer(await issuer.mint([catalog])) })).status).toBe(200);
    expect((await fetch(`${t.url}/v2/_log/verify`, { headers: bearer(await issuer.mint([catalog])) })).status).toBe(200);
    for (const path of ['/healthz', '/readyz', '/.well-known/jwks.json']) expect((await fetch(`${t.url}${path}`)).status).toBe(200);
  });

  it('needs the scope of every batch operation, or registry:catalog:*, and signs the jti into batch and restore events', async () => {
    const operations = [
      { op: 'create', name: 'batch/a', tag: 'v1', target: target('a') },
      { op: 'create', name: 'batch/b', tag: 'v1', target: target('b') },
    ];
    const post = async (access: Parameters<TokenIssuer['mint']>[0], ops: unknown[] = operations) =>
      fetch(`${t.url}/v2/_batch`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...bearer(await issuer.mint(access, { jti: 'batch-token' })) },
        body: JSON.stringify({ operations: ops }),
      });
    const before = await eventCount();
    expect((await post([push('batch/a')])).status).toBe(403);
    expect(await eventCount()).toBe(before);
    expect((await post([push('batch/a'), push('batch/b')])).status).toBe(200);
    expect((await post([catalog], [{ op: 'move', name: 'batch/a', tag: 'v1', target: target('c') }])).status).toBe(200);
    const last = await t.infrastructure.db.selectFrom('events').select('jws').orderBy('position', 'desc').executeTakeFirstOrThrow();
    expect(decodeJwt(last.jws)).toMatchObject({ actor: 'alice', jti: 'batch-token' });

    const restore = await fetch(`${t.url}/v2/batch/a/_tags/v1/restore`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer(await issuer.mint([push('batch/a')], { jti: 'restore-token' }, 'bob')) },
      body: JSON.stringify({ version: 1 }),
    });
    expect(restore.status).toBe(200);
    const restored = await t.infrastructure.db.selectFrom('events').select('jws').orderBy('position', 'desc').executeTakeFirstOrThrow();
    expect(decodeJwt(restored.jws)).toMatchObject({ type: 'TagRestored', actor: 'bob', jti: 'restore-token' });
  });

  it('keeps the log verifiable with token ids in the signed events', async () => {
    const res = await fetch(`${t.url}/v2/_log/verify`, { headers: bearer(await issuer.mint([catalog])) });
    expect(await res.json()).toMatchObject({ ok: true, broken: [] });
  });

  it('refuses a malformed Authorization header and a token whose access claim is not a list', async () => {
    const before = await eventCount();
    const res = await fetch(`${t.url}/v2/team/app/_tags/x`, {
      method: 'PUT',
      headers: { authorization: 'Basic YWxpY2U6cHc=', 'content-type': 'application/json' },
      body: JSON.stringify(tagObject('team/app', 'x', 'x')),
    });
    expect(res.status).toBe(401);
    await refused(await issuer.mint([], { access: 'everything' }), 401, 'UNAUTHORIZED');
    expect(await eventCount()).toBe(before);
  });

  it('asks for pull on a history page however many events it holds: with tokens no page is answered before the guard', async () => {
    const token = await issuer.mint([push('team/paged')]);
    for (let i = 0; i < 4; i++) expect((await putTag(t.url, 'team/paged', 'v1', `p${i}`, bearer(token))).status).toBeLessThan(300);
    // A page with older events after it: the kind the history's fast path answers when no token is configured.
    const page = `${t.url}/v2/team/paged/_tags/v1/history?n=2`;
    for (let round = 0; round < 2; round++) {
      const anonymous = await fetch(page);
      expect([anonymous.status, anonymous.headers.get('www-authenticate')]).toEqual([401, expect.stringContaining('repository:team/paged:pull')]);
      expect((await fetch(page, { headers: bearer(await issuer.mint([pull('other/app')])) })).status).toBe(403);
    }
    const read = await fetch(page, { headers: bearer(await issuer.mint([pull('team/paged')])) });
    expect([read.status, ((await read.json()) as { events: unknown[] }).events.length]).toEqual([200, 2]);
  });
});

describe('a remote JWKS', () => {
  it('fetches the issuer keys by URL, and answers UNAVAILABLE (not UNAUTHORIZED) when they cannot be fetched', async () => {
    const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end(readFileSync(issuer.config.jwks)));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const remote = TokenVerifier.open({ ...issuer.config, jwks: `http://127.0.0.1:${(server.address() as { port: number }).port}/jwks.json` });
      expect(await remote.verify(await issuer.mint([pull('team/app')], {}, 'remote-user'))).toMatchObject({ sub: 'remote-user' });
    } finally {
      server.close();
    }
    const unreachable = TokenVerifier.open({ ...issuer.config, jwks: 'http://127.0.0.1:9/jwks.json' });
    await expect(unreachable.verify(await issuer.mint([pull('team/app')]))).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    await expect(unreachable.verify('not.a.token')).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
  });
});
