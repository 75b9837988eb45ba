import { exportJWK, GeneralSign, generateKeyPair, type KeyLike } from 'jose';
import { TAG_JWS_MEDIA_TYPE } from '@tag-history/domain';
import { TrustPolicy } from '../../apps/api/src/auth/trust-policy';
import { tagObject, target } from '../support/fixtures';
import { startTestApp, type TestApp } from '../support/test-app';

interface Signer {
  kid: string;
  privateKey: KeyLike;
  jwk: Record<string, unknown>;
}

async function signer(kid: string): Promise<Signer> {
  const { publicKey, privateKey } = await generateKeyPair('EdDSA');
  return { kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid } };
}

/** The tag object signed by every signer, in the general JSON serialisation. */
async function signTag(object: unknown, ...signers: Signer[]) {
  const jws = new GeneralSign(new TextEncoder().encode(JSON.stringify(object)));
  for (const s of signers) jws.addSignature(s.privateKey).setProtectedHeader({ alg: 'EdDSA', kid: s.kid });
  return jws.sign();
}

let t: TestApp;
let alice: Signer;
let bob: Signer;
let mallory: Signer;
beforeAll(async () => {
  [alice, bob, mallory] = await Promise.all([signer('alice'), signer('bob'), signer('mallory')]);
  const trust = await TrustPolicy.of([
    { repositories: 'prod/**', keys: { keys: [alice.jwk, bob.jwk] as never }, threshold: 2, requireSigned: true },
    { repositories: 'team/*', keys: { keys: [alice.jwk] as never } },
  ]);
  t = await startTestApp({ access: { trust } });
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
const putSigned = (name: string, tag: string, body: unknown) =>
  fetch(`${t.url}/v2/${name}/_tags/${tag}`, { method: 'PUT', headers: { 'content-type': TAG_JWS_MEDIA_TYPE }, body: JSON.stringify(body) });

async function refused(name: string, tag: string, body: unknown, status: number, code: string) {
  const before = await eventCount();
  const res = await putSigned(name, tag, body);
  expect({ status: res.status, body: await res.json() }).toMatchObject({ status, body: { errors: [{ code }] } });
  expect(await eventCount()).toBe(before);
}

describe('client-signed tags (+jws)', () => {
  it('accepts a tag signed by a trusted key and keeps the JWS untouched in the event', async () => {
    const jws = await signTag(tagObject('team/app', 'v1', 'one'), alice);
    const res = await putSigned('team/app', 'v1', jws);
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ target: target('one') });
    const row = await t.infrastructure.db.selectFrom('events').select('data').orderBy('position', 'desc').executeTakeFirstOrThrow();
    expect(row.data.jws).toEqual(jws);
  });

  it('needs the threshold of distinct trusted signers where the policy says so', async () => {
    const object = tagObject('prod/api', 'live', 'p1');
    await refused('prod/api', 'live', await signTag(object, alice), 403, 'DENIED');
    await refused('prod/api', 'live', await signTag(object, alice, alice), 403, 'DENIED');
    expect((await putSigned('prod/api', 'live', await signTag(object, alice, bob))).status).toBe(201);
  });

  it('refuses unsigned writes to repositories that require signatures', async () => {
    const before = await eventCount();
    const res = await fetch(`${t.url}/v2/prod/api/_tags/live`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(tagObject('prod/api', 'live', 'p2')),
    });
    expect(res.status).toBe(403);
    expect(await eventCount()).toBe(before);
  });

  it('refuses restores and batch operations, which carry no client signature, where signatures are required', async () => {
    const before = await eventCount();
    const restore = await fetch(`${t.url}/v2/prod/api/_tags/live/restore`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ version: 1 }),
    });
    expect(restore.status).toBe(403);
    const operations = [
      { op: 'create', name: 'team/app', tag: 'batch', target: target('b') },
      { op: 'create', name: 'prod/api', tag: 'batch', target: target('b') },
    ];
    const batch = await fetch(`${t.url}/v2/_batch`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ operations }) });
    expect({ status: batch.status, body: await batch.json() }).toMatchObject({ status: 403, body: { errors: [{ code: 'DENIED', detail: { index: 1 } }] } });
    expect(await eventCount()).toBe(before);
  });

  it('refuses a tampered JWS: the payload changed after signing', async () => {
    const jws = await signTag(tagObject('team/app', 'v2', 'one'), alice);
    const tampered = { ...jws, payload: Buffer.from(JSON.stringify(tagObject('team/app', 'v2', 'evil'))).toString('base64url') };
    await refused('team/app', 'v2', tampered, 400, 'SIGNATURE_INVALID');
  });

  it('refuses one byte changed in a signature', async () => {
    const jws = await signTag(tagObject('team/app', 'v3', 'one'), alice);
    const sig = Buffer.from(jws.signatures[0]!.signature, 'base64url');
    sig[0] = sig[0]! ^ 1;
    await refused('team/app', 'v3', { ...jws, signatures: [{ ...jws.signatures[0]!, signature: sig.toString('base64url') }] }, 400, 'SIGNATURE_INVALID');
  });

  it('refuses a valid signature by an untrusted key, with its own kid or claiming a trusted one', async () => {
    await refused('team/app', 'v4', await signTag(tagObject('team/app', 'v4', 'one'), mallory), 403, 'DENIED');
    await refused('team/app', 'v4', await signTag(tagObject('team/app', 'v4', 'one'), { ...mallory, kid: 'alice' }), 400, 'SIGNATURE_INVALID');
    // One bad signature next to a good one refuses the whole tag.
    await refused('team/app', 'v4', await signTag(tagObject('team/app', 'v4', 'one'), alice, mallory), 403, 'DENIED');
    // Keys trusted for another repository are not trusted here.
    await refused('other/app', 'v4', await signTag(tagObject('other/app', 'v4', 'one'), alice), 403, 'DENIED');
  });

  it('refuses a signature over another name or tag than the path', async () => {
    await refused('team/app', 'v5', await signTag(tagObject('team/app', 'other', 'one'), alice), 400, 'TAG_INVALID');
    await refused('team/app', 'v5', await signTag(tagObject('team/other', 'v5', 'one'), alice), 400, 'NAME_INVALID');
  });

  it('refuses a JWS that is not in the general JSON serialisation', async () => {
    const jws = await signTag(tagObject('team/app', 'v6', 'one'), alice);
    await refused('team/app', 'v6', { payload: jws.payload, ...jws.signatures[0] }, 400, 'BODY_INVALID');
    await refused('team/app', 'v6', { payload: jws.payload, signatures: [] }, 400, 'BODY_INVALID');
  });
});
