import { createPublicKey, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { flattenedVerify, GeneralSign, generateKeyPair, importJWK, type JWK } from 'jose';
import { TagHistoryError } from '../errors/tag-history-error';
import type { TagJws } from '../tag/tag-jws';
import { decodePrettyJws } from './decode-pretty-jws';
import { encodePrettyJws } from './encode-pretty-jws';
import { jsonFormat } from './json-format';

const docker = readFileSync(join(__dirname, '../../../../test/fixtures/docker-schema1-signed-manifest.json'));
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

async function signWithFormat(payload: Buffer, signers = 1): Promise<TagJws> {
  const format = jsonFormat(payload);
  const jws = new GeneralSign(payload);
  for (let i = 0; i < signers; i++) {
    const { privateKey } = await generateKeyPair('EdDSA');
    jws.addSignature(privateKey).setProtectedHeader({ alg: 'EdDSA', kid: `k${i}`, ...format });
  }
  return (await jws.sign()) as TagJws;
}

function code(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (error) {
    return error instanceof TagHistoryError ? error.code : 'not a TagHistoryError';
  }
}

describe('pretty JWS (Docker schema1 / libtrust format)', () => {
  it('rebuilds exactly the bytes Docker signed in a real schema1 manifest, and re-encodes it byte for byte', async () => {
    const jws = decodePrettyJws(docker);
    const payload = Buffer.from(jws.payload, 'base64url');
    expect(payload.subarray(-2).toString()).toBe('\n}');
    // Verified by jose with the key the signature carries, and by node:crypto on the rebuilt signing input.
    const signature = jws.signatures[0]!;
    const jwk = signature.header!.jwk as JWK;
    await expect(flattenedVerify({ payload: jws.payload, ...signature }, await importJWK(jwk, 'ES256'))).resolves.toBeDefined();
    const input = Buffer.from(`${signature.protected}.${jws.payload}`);
    const key = createPublicKey({ key: jwk as never, format: 'jwk' });
    expect(verify('sha256', input, { key, dsaEncoding: 'ieee-p1363' }, Buffer.from(signature.signature, 'base64url'))).toBe(true);
    expect(encodePrettyJws(jws).equals(docker)).toBe(true);
  });

  it('round-trips any tag-like object, compact or indented, with several signatures', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(
          fc.string({ minLength: 1 }).filter((k) => k !== 'signatures' && k !== '__proto__'),
          fc.jsonValue(),
          { minKeys: 1, maxKeys: 5 },
        ),
        fc.constantFrom(undefined, 2, 3, '\t'),
        fc.integer({ min: 1, max: 3 }),
        async (object, indent, signers) => {
          const payload = Buffer.from(JSON.stringify(object, null, indent));
          const jws = await signWithFormat(payload, signers);
          const document = encodePrettyJws(jws);
          expect(JSON.parse(document.toString())).toEqual({ ...JSON.parse(payload.toString()), signatures: jws.signatures });
          expect(decodePrettyJws(document)).toEqual(jws);
        },
      ),
      { numRuns: 50 },
    );
  });

  it('counts formatLength in bytes, as Go does, not in characters', async () => {
    const payload = Buffer.from(JSON.stringify({ name: 'team/app', note: 'ünïcødé ✓ 🚀' }, null, 3));
    const jws = await signWithFormat(payload);
    expect(jsonFormat(payload).formatLength).toBe(payload.length - 2);
    expect(Buffer.from(decodePrettyJws(encodePrettyJws(jws)).payload, 'base64url').equals(payload)).toBe(true);
  });

  it('refuses documents whose signatures lack or disagree on the format, or that say more than was signed', async () => {
    const payload = Buffer.from(JSON.stringify({ name: 'team/app', tag: 'v1' }, null, 3));
    const jws = await signWithFormat(payload, 2);
    const { formatLength, formatTail } = jsonFormat(payload);
    // Assembled byte for byte, as a signer would: re-serialising the document would move formatLength.
    const assemble = (signatures: unknown[], after = '') =>
      Buffer.concat([
        payload.subarray(0, formatLength),
        Buffer.from(`,"signatures":${JSON.stringify(signatures)}${after}`),
        Buffer.from(formatTail, 'base64url'),
      ]);
    const withProtected = (index: number, header: unknown) => assemble(jws.signatures.map((s, i) => (i === index ? { ...s, protected: b64(header) } : s)));

    expect(code(() => decodePrettyJws(assemble(jws.signatures)))).toBeUndefined();
    expect(decodePrettyJws(assemble(jws.signatures))).toEqual(jws);
    expect(code(() => decodePrettyJws(Buffer.from('not json')))).toBe('BODY_INVALID');
    expect(code(() => decodePrettyJws(Buffer.from('[]')))).toBe('BODY_INVALID');
    expect(code(() => decodePrettyJws(Buffer.from('{"name":"x"}')))).toBe('BODY_INVALID');
    expect(code(() => decodePrettyJws(assemble([])))).toBe('BODY_INVALID');
    expect(code(() => decodePrettyJws(assemble([{ ...jws.signatures[0], extra: 1 }])))).toBe('BODY_INVALID');
    expect(code(() => decodePrettyJws(withProtected(0, { alg: 'EdDSA' })))).toBe('BODY_INVALID');
    expect(code(() => decodePrettyJws(withProtected(1, { alg: 'EdDSA' })))).toBe('BODY_INVALID');
    expect(code(() => decodePrettyJws(withProtected(1, { alg: 'EdDSA', formatLength: formatLength - 1, formatTail })))).toBe('BODY_INVALID');
    expect(code(() => decodePrettyJws(withProtected(0, { alg: 'EdDSA', formatLength: 1e9, formatTail })))).toBe('BODY_INVALID');
    expect(code(() => decodePrettyJws(withProtected(0, { alg: 'EdDSA', formatLength: 3, formatTail })))).toBe('BODY_INVALID');
    expect(code(() => decodePrettyJws(withProtected(0, { alg: 'EdDSA', formatLength: '12', formatTail })))).toBe('BODY_INVALID');
    expect(code(() => decodePrettyJws(withProtected(0, { alg: 'EdDSA', formatLength, formatTail: 'not base64!' })))).toBe('BODY_INVALID');
    expect(code(() => decodePrettyJws(withProtected(0, 'not an object')))).toBe('BODY_INVALID');
    // A member after the signatures is outside the signed bytes: refused rather than shown unsigned.
    expect(code(() => decodePrettyJws(assemble(jws.signatures, ',"tag":"v2"')))).toBe('BODY_INVALID');
  });

  it('finds where libtrust splits a JSON object, and refuses what has nowhere to put the signatures', () => {
    expect(jsonFormat(Buffer.from('{"a":1}'))).toEqual({ formatLength: 6, formatTail: Buffer.from('}').toString('base64url') });
    expect(jsonFormat(Buffer.from('{\n   "a": 1\n}\n'))).toEqual({ formatLength: 11, formatTail: Buffer.from('\n}\n').toString('base64url') });
    for (const bad of ['{}', '[1]', '{"a":1', '"x"', '']) expect(code(() => jsonFormat(Buffer.from(bad)))).toBe('BODY_INVALID');
  });
});
