import { readFileSync } from 'node:fs';
import { TagHistoryError } from '@tag-history/domain';
import { createLocalJWKSet, createRemoteJWKSet, errors, type JSONWebKeySet, jwtVerify } from 'jose';
import type { AuthConfig } from '../config';
import type { Principal } from './principal';
import type { AccessEntry } from './scope';

type KeySet = ReturnType<typeof createLocalJWKSet> | ReturnType<typeof createRemoteJWKSet>;

/**
 * Checks registry bearer tokens: signature by a trusted key chosen by `kid`,
 * an allowed (asymmetric) algorithm, `iss`, `aud`, a required `exp` and
 * `nbf` when present, with a small clock tolerance.
 */
export class TokenVerifier {
  private constructor(
    readonly config: AuthConfig,
    private readonly keys: KeySet,
  ) {}

  /** A remote JWKS is fetched when first needed and refreshed by jose when an unknown `kid` shows up. */
  static open(config: AuthConfig): TokenVerifier {
    const keys = /^https?:\/\//.test(config.jwks)
      ? createRemoteJWKSet(new URL(config.jwks))
      : createLocalJWKSet(JSON.parse(readFileSync(config.jwks, 'utf8')) as JSONWebKeySet);
    return new TokenVerifier(config, keys);
  }

  async verify(token: string): Promise<Principal> {
    try {
      const { payload } = await jwtVerify(token, this.keys, {
        issuer: this.config.issuer,
        audience: this.config.audience,
        algorithms: this.config.algorithms,
        clockTolerance: this.config.clockToleranceSeconds,
        requiredClaims: ['exp', 'sub'],
      });
      return { sub: payload.sub!, jti: typeof payload.jti === 'string' ? payload.jti : undefined, access: accessOf(payload.access) };
    } catch (error) {
      if (error instanceof TagHistoryError) throw error;
      // The issuer's key set could not be fetched: the token may well be good, so the client should retry, not re-authenticate.
      if (!(error instanceof errors.JOSEError) || error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) {
        throw new TagHistoryError('UNAVAILABLE', 'the token issuer\'s keys cannot be fetched; retry later');
      }
      // jose's message says which check failed (expired, audience, no matching key...), which helps the client and leaks nothing.
      throw new TagHistoryError('UNAUTHORIZED', `invalid token: ${error.message}`);
    }
  }
}

function accessOf(claim: unknown): AccessEntry[] {
  if (claim === undefined) return [];
  const valid =
    Array.isArray(claim) &&
    claim.every(
      (a) =>
        typeof a === 'object' && a !== null && typeof a.type === 'string' && typeof a.name === 'string' && Array.isArray(a.actions) && a.actions.every((x: unknown) => typeof x === 'string'),
    );
  if (!valid) throw new TagHistoryError('UNAUTHORIZED', 'invalid token: access must be a list of {type, name, actions}');
  return claim as AccessEntry[];
}
