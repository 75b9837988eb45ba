import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { calculateJwkThumbprint, exportJWK, generateKeyPair, importJWK, type JWK, type KeyLike } from 'jose';

export interface SigningKey {
  /** RFC 7638 thumbprint of the public key. */
  kid: string;
  privateKey: KeyLike;
  publicJwk: JWK;
}

export type SigningKeySource = { kind: 'jwk'; json: string } | { kind: 'file'; path: string; generateIfMissing: boolean };

export async function loadSigningKey(source: SigningKeySource): Promise<SigningKey> {
  if (source.kind === 'jwk') return fromPrivateJwk(JSON.parse(source.json) as JWK);
  if (existsSync(source.path)) return fromPrivateJwk(JSON.parse(readFileSync(source.path, 'utf8')) as JWK);
  if (!source.generateIfMissing) throw new Error(`signing key file ${source.path} does not exist`);
  const jwk = await generateSigningJwk();
  mkdirSync(dirname(source.path), { recursive: true });
  // Written with its final mode at once, so the private key is never readable by others.
  writeFileSync(source.path, `${JSON.stringify(jwk)}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(source.path, 0o600);
  return fromPrivateJwk(jwk);
}

export async function generateSigningJwk(): Promise<JWK> {
  const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519', extractable: true });
  return exportJWK(privateKey);
}

async function fromPrivateJwk(jwk: JWK): Promise<SigningKey> {
  if (jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.d !== 'string') {
    throw new Error('the signing key must be a private Ed25519 JWK (kty OKP, crv Ed25519, with d)');
  }
  const publicJwk: JWK = { kty: 'OKP', crv: 'Ed25519', x: jwk.x };
  const kid = await calculateJwkThumbprint(publicJwk);
  const privateKey = (await importJWK({ ...jwk, alg: 'EdDSA' }, 'EdDSA')) as KeyLike;
  return { kid, privateKey, publicJwk: { ...publicJwk, kid, alg: 'EdDSA', use: 'sig' } };
}
