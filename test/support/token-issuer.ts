import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, type JWTPayload, type KeyLike, SignJWT } from 'jose';
import { type AuthConfig, ASYMMETRIC_ALGORITHMS } from '@tag-history/config';

export const ISSUER = 'https://auth.test.example';
export const AUDIENCE = 'tag-history.test';

export interface TokenIssuer {
  /** What the service is configured with: the issuer's JWKS written to a file. */
  config: AuthConfig;
  privateKey: KeyLike;
  /** A registry token for `sub` with `access`, valid for an hour unless `claims` say otherwise. */
  mint(access: { type: string; name: string; actions: string[] }[], claims?: JWTPayload, sub?: string): Promise<string>;
}

/** A token issuer of its own for a test file: an ES256 key pair, its public JWKS on disk. */
export async function createTokenIssuer(kid = 'issuer-key-1'): Promise<TokenIssuer> {
  const { publicKey, privateKey } = await generateKeyPair('ES256');
  const dir = mkdtempSync(join(tmpdir(), 'tag-history-issuer-'));
  const jwks = join(dir, 'jwks.json');
  writeFileSync(jwks, JSON.stringify({ keys: [{ ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' }] }));
  const config: AuthConfig = {
    jwks,
    issuer: ISSUER,
    audience: AUDIENCE,
    realm: `${ISSUER}/token`,
    algorithms: ASYMMETRIC_ALGORITHMS,
    clockToleranceSeconds: 5,
  };
  return {
    config,
    privateKey,
    mint: (access, claims = {}, sub = 'alice') => {
      const now = Math.floor(Date.now() / 1000);
      const defaults = { iss: ISSUER, aud: AUDIENCE, sub, jti: `jti-${now}-${Math.random().toString(36).slice(2)}`, iat: now, nbf: now, exp: now + 3600 };
      return new SignJWT({ ...defaults, access, ...claims }).setProtectedHeader({ alg: 'ES256', kid, typ: 'JWT' }).sign(privateKey);
    },
  };
}

export const pull = (name: string) => ({ type: 'repository', name, actions: ['pull'] });
export const push = (name: string) => ({ type: 'repository', name, actions: ['pull', 'push'] });
export const catalog = { type: 'registry', name: 'catalog', actions: ['*'] };
