import { readFileSync } from 'node:fs';
import { TagHistoryError } from '@tag-history/domain';
import { createLocalJWKSet, errors, type JSONWebKeySet, type JWTPayload, jwtVerify } from 'jose';
import { isStorableText } from '../http/input/text';
import type { AuthConfig } from '@tag-history/config';
import type { Principal } from './principal';
import { DEFAULT_KEY_SET_TIMING, type KeySetTiming, RemoteKeySet } from './remote-key-set';
import type { AccessEntry } from './scope';

type KeySet = ReturnType<typeof createLocalJWKSet> | RemoteKeySet['getKey'];

/** `sub` and `jti` are signed into events and stored as text; a claim longer than this is no identifier. */
const MAX_CLAIM_LENGTH = 256;

/**
 * Checks registry bearer tokens: signature by a trusted key chosen by `kid`,
 * an allowed (asymmetric) algorithm, `iss`, `aud`, a required `exp`, `nbf`
 * and `iat` when present (`iat` not in the future), with a small clock
 * tolerance; and the claims this service signs into events: `sub` a
 * non-empty string, `jti` too when present, both storable text.
 */
export class TokenVerifier {
  private constructor(
    readonly config: AuthConfig,
    private readonly keys: KeySet,
  ) {}

  /** A remote JWKS is fetched when first needed, refreshed when old or when an unknown `kid` shows up (remote-key-set.ts). */
  static open(config: AuthConfig, timing: KeySetTiming = DEFAULT_KEY_SET_TIMING): TokenVerifier {
    const keys = /^https?:\/\//.test(config.jwks)
      ? new RemoteKeySet(new URL(config.jwks), timing).getKey
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
      checkIssuedAt(payload, this.config.clockToleranceSeconds);
      return { sub: identifier(payload.sub, 'sub')!, jti: identifier(payload.jti, 'jti'), access: accessOf(payload.access) };
    } catch (error) {
      if (error instanceof TagHistoryError) throw error;
      // The issuer's key set could not be fetched: the token may well be good, so the client should retry, not re-authenticate.
      if (!(error instanceof errors.JOSEError) || error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) {
        throw new TagHistoryError('UNAVAILABLE', "the token issuer's keys cannot be fetched; retry later");
      }
      // jose's message says which check failed (expired, audience, no matching key...), which helps the client and leaks nothing.
      throw new TagHistoryError('UNAUTHORIZED', `invalid token: ${error.message}`);
    }
  }
}

/** A claim signed into events: absent (jti only), or a non-empty string of storable text. */
function identifier(claim: unknown, name: 'sub' | 'jti'): string | undefined {
  if (claim === undefined && name === 'jti') return undefined;
  if (typeof claim !== 'string' || claim === '' || claim.length > MAX_CLAIM_LENGTH || !isStorableText(claim)) {
    throw new TagHistoryError(
      'UNAUTHORIZED',
      `invalid token: ${name} must be a non-empty string of at most ${MAX_CLAIM_LENGTH} characters, well-formed Unicode without U+0000`,
    );
  }
  return claim;
}

// jose checks `iat` only against a maximum token age; a token issued in the future is as wrong as one not yet valid.
function checkIssuedAt(payload: JWTPayload, toleranceSeconds: number): void {
  if (payload.iat !== undefined && payload.iat > Date.now() / 1000 + toleranceSeconds) {
    throw new TagHistoryError('UNAUTHORIZED', 'invalid token: iat is in the future');
  }
}

function accessOf(claim: unknown): AccessEntry[] {
  if (claim === undefined) return [];
  const valid =
    Array.isArray(claim) &&
    claim.every(
      (a) =>
        typeof a === 'object' &&
        a !== null &&
        typeof a.type === 'string' &&
        typeof a.name === 'string' &&
        Array.isArray(a.actions) &&
        a.actions.every((x: unknown) => typeof x === 'string'),
    );
  if (!valid) throw new TagHistoryError('UNAUTHORIZED', 'invalid token: access must be a list of {type, name, actions}');
  return claim as AccessEntry[];
}
