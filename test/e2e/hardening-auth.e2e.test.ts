import { createServer, type Server } from 'node:http';
import { exportJWK, generateKeyPair, type JWTPayload, type KeyLike, SignJWT } from 'jose';
import { TokenVerifier } from '../../apps/api/src/auth/token-verifier';
import { TrustPolicy } from '../../apps/api/src/auth/trust-policy';
import { digest, putTag } from '../support/fixtures';
import { startTestApp, type TestApp } from '../support/test-app';
import { AUDIENCE, catalog, createTokenIssuer, ISSUER, push, type TokenIssuer } from '../support/token-issuer';

// Issue 18: authorization on the path the router uses, and token claims checked before they are signed into events.
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
const now = () => Math.floor(Date.now() / 1000);
const json = { 'content-type': 'application/json' };

describe('finding 2: authorization decides on the decoded path the router uses', () => {
  it('refuses an unpin without push however the _pins marker and the name are encoded', async () => {
    const owner = await issuer.mint([push('team/a')], {}, 'alice');
    const pinned = await fetch(`${t.url}/v2/team/a/_pins/${digest('d3')}`, {
      method: 'PUT',
      headers: { ...json, ...bearer(owner) },
      body: '{"reason":"keep"}',
    });
    expect(pinned.status).toBe(201);
    const carol = await issuer.mint([{ type: 'repository', name: 'team/a', actions: ['pull', 'delete'] }], {}, 'carol');
    const before = await eventCount();
    for (const path of ['team/a/_pins', 'team%2Fa/%5Fpins', 'team%2Fa/%5fpins', 'team/a/%5Fpins']) {
      const res = await fetch(`${t.url}/v2/${path}/${digest('d3')}`, { method: 'DELETE', headers: { ...json, ...bearer(carol) }, body: '{"reason":"x"}' });
      expect({ path, status: res.status }).toEqual({ path, status: 403 });
      expect(await res.json()).toMatchObject({ errors: [{ code: 'DENIED', detail: { scopes: ['repository:team/a:push'] } }] });
    }
    expect(await eventCount()).toBe(before);
  });
});

describe('finding 3 (and 1): sub and jti are checked before they are signed into events', () => {
  it.each([
    ['a number as sub', { sub: 123 }],
    ['an object as sub', { sub: { a: 1 } }],
    ['an empty sub', { sub: '' }],
    ['a lone surrogate in sub', { sub: 'x\ud800y' }],
    ['U+0000 in sub', { sub: 'x\u0000y' }],
    ['a sub of 257 characters', { sub: 's'.repeat(257) }],
    ['a number as jti', { jti: 7 }],
    ['an empty jti', { jti: '' }],
    ['U+0000 in jti', { jti: 'j\u0000' }],
  ])('refuses %s with 401 invalid_token and stores nothing', async (_what, claims) => {
    const token = await new SignJWT({
      iss: ISSUER,
      aud: AUDIENCE,
      sub: 'alice',
      iat: now(),
      exp: now() + 600,
      access: [push('team/z')],
      ...claims,
    } as JWTPayload)
      .setProtectedHeader({ alg: 'ES256', kid: 'issuer-key-1' })
      .sign(issuer.privateKey);
    const before = await eventCount();
    const res = await putTag(t.url, 'team/z', 'numsub', 'x', bearer(token));
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect(await res.json()).toMatchObject({ errors: [{ code: 'UNAUTHORIZED' }] });
    expect(await eventCount()).toBe(before);
  });

  it('leaves the log verifiable', async () => {
    const res = await fetch(`${t.url}/v2/_log/verify`, { headers: bearer(await issuer.mint([catalog])) });
    expect(await res.json()).toMatchObject({ ok: true });
  });
});

describe('finding 11: iat beyond the clock tolerance is refused', () => {
  it('refuses a token issued an hour from now, and takes one issued within the tolerance', async () => {
    const future = await issuer.mint([push('team/a')], { iat: now() + 3_600 });
    const res = await putTag(t.url, 'team/a', 'iat', 'x', bearer(future));
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ errors: [{ code: 'UNAUTHORIZED', message: expect.stringContaining('iat') }] });
    const slightly = await issuer.mint([push('team/a')], { iat: now() + issuer.config.clockToleranceSeconds - 2 });
    expect((await putTag(t.url, 'team/a', 'iat', 'x', bearer(slightly))).status).toBe(201);
  });
});

describe('finding 14: a batch op is looked up without the prototype chain', () => {
  it.each(['constructor', '__proto__', 'toString', 'hasOwnProperty'])(
    'treats op %s as unreadable: catalog scope needed, nothing of Object in the message',
    async (op) => {
      const token = await issuer.mint([{ type: 'repository', name: 'team/b', actions: ['*'] }], {}, 'alice');
      const body = `{"operations":[{"op":"${op}","name":"team/b","tag":"x"}]}`;
      const res = await fetch(`${t.url}/v2/_batch`, { method: 'POST', headers: { ...json, ...bearer(token) }, body });
      const text = await res.text();
      expect(res.status).toBe(403);
      expect(JSON.parse(text)).toMatchObject({ errors: [{ code: 'DENIED', detail: { scopes: ['registry:catalog:*'] } }] });
      expect(text).not.toMatch(/function|native code|object Object/);
    },
  );
});

describe('finding 4: a remote key set is used while the issuer fails, within a bound', () => {
  let server: Server;
  let jwks: string;
  let mode: 'ok' | 'fail' = 'fail';
  let fetches = 0;
  let url: string;
  let remote: TestApp;
  const timing = { maxAgeMs: 200, maxStaleMs: 60_000, timeoutMs: 1_000, cooldownMs: 500 };
  const kid = 'remote-1';
  let privateKey: KeyLike;
  const mint = () =>
    new SignJWT({ iss: ISSUER, aud: AUDIENCE, sub: 'alice', iat: now(), exp: now() + 600, access: [push('team/r')] })
      .setProtectedHeader({ alg: 'ES256', kid })
      .sign(privateKey);

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256', { extractable: true });
    privateKey = pair.privateKey;
    jwks = JSON.stringify({ keys: [{ ...(await exportJWK(pair.publicKey)), kid, alg: 'ES256' }] });
    server = createServer((_req, res) => {
      fetches++;
      if (mode === 'fail') return void res.writeHead(500).end('down');
      res.writeHead(200, { 'content-type': 'application/json' }).end(jwks);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}/jwks.json`;
    remote = await startTestApp({ access: { tokens: TokenVerifier.open({ ...issuer.config, jwks: url }, timing), trust: TrustPolicy.empty } });
  });
  afterAll(async () => {
    await remote.close();
    server.close();
  });

  it('answers 503 (not 401) through HTTP while the issuer has never answered', async () => {
    const res = await fetch(`${remote.url}/v2/team/r/_tags/v1`, { headers: bearer(await mint()) });
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ errors: [{ code: 'UNAVAILABLE' }] });
    mode = 'ok';
    await new Promise((r) => setTimeout(r, timing.cooldownMs + 50));
  });

  it('keeps taking valid tokens with the cached key set once it is old and the issuer answers 500, and does not refetch per request', async () => {
    const token = await mint();
    expect((await putTag(remote.url, 'team/r', 'v1', 'a', bearer(token))).status).toBe(201);
    mode = 'fail';
    await new Promise((r) => setTimeout(r, timing.maxAgeMs + 50));
    const before = fetches;
    const statuses = [];
    for (let i = 0; i < 10; i++) statuses.push((await fetch(`${remote.url}/v2/team/r/_tags/v1`, { headers: bearer(token) })).status);
    expect(statuses).toEqual(statuses.map(() => 200));
    expect(fetches - before).toBeLessThanOrEqual(2);
    mode = 'ok';
  });

  it('answers 503 (not 401) when no key set was ever fetched, and once the cached one is past its bound', async () => {
    mode = 'fail';
    const token = await mint();
    const fresh = TokenVerifier.open({ ...issuer.config, jwks: url }, timing);
    await expect(fresh.verify(token)).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    mode = 'ok';
    const bounded = TokenVerifier.open({ ...issuer.config, jwks: url }, { ...timing, maxStaleMs: 300, cooldownMs: 0 });
    await expect(bounded.verify(token)).resolves.toMatchObject({ sub: 'alice' });
    mode = 'fail';
    await new Promise((r) => setTimeout(r, 400));
    await expect(bounded.verify(token)).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    mode = 'ok';
    await expect(bounded.verify(token)).resolves.toMatchObject({ sub: 'alice' });
  });
});
