import { importJWK, type JWK, type KeyLike } from 'jose';

/** A public signing key and the time range in which it signed (open ends: null). */
export interface PublicKeyRecord {
  kid: string;
  jwk: JWK;
  validFrom: Date | null;
  validUntil: Date | null;
}

/** A JWKS as served at /.well-known/jwks.json, with `valid_from` / `valid_until` on each key. */
export interface PublishedJwks {
  keys: (JWK & { valid_from?: string | null; valid_until?: string | null })[];
}

export function keyRecordsOf(jwks: PublishedJwks): PublicKeyRecord[] {
  return jwks.keys.map(({ valid_from, valid_until, ...jwk }) => ({
    kid: jwk.kid!,
    jwk,
    validFrom: valid_from ? new Date(valid_from) : null,
    validUntil: valid_until ? new Date(valid_until) : null,
  }));
}

/**
 * Every key that ever signed the log, current and retired. A key is imported
 * once and reused for every event it signed; an event verifies only with the
 * key that was valid at its time.
 */
export class KeyRing {
  private readonly records = new Map<string, PublicKeyRecord>();
  private readonly imported = new Map<string, Promise<KeyLike | Uint8Array>>();

  constructor(records: PublicKeyRecord[]) {
    for (const r of records) this.records.set(r.kid, r);
  }

  /** Reads a JWKS as served at /.well-known/jwks.json, with `valid_from` / `valid_until` on each key. */
  static fromJwks(jwks: PublishedJwks): KeyRing {
    return new KeyRing(keyRecordsOf(jwks));
  }

  /** The key to check an event signed by `kid` at `time` with, or why there is none. */
  keyAt(kid: string | undefined, time: Date): { key: Promise<KeyLike | Uint8Array> } | { reason: string } {
    const record = kid === undefined ? undefined : this.records.get(kid);
    if (!record) return { reason: `signed by unknown key ${kid ?? '(no kid)'}` };
    if ((record.validFrom && time < record.validFrom) || (record.validUntil && time > record.validUntil)) {
      return { reason: `key ${kid} was not valid at ${time.toISOString()}` };
    }
    let key = this.imported.get(record.kid);
    if (!key) this.imported.set(record.kid, (key = importJWK({ ...record.jwk, alg: 'EdDSA' }, 'EdDSA')));
    return { key };
  }
}
