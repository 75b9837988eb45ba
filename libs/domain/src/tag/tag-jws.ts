import { TagHistoryError } from '../errors/tag-history-error';

/**
 * A client-signed tag object: a JWS in the general JSON serialisation
 * (RFC 7515 §7.2.1), one payload (the tag object) and one or more signatures.
 * Kept in the event exactly as the client sent these members, so anyone can
 * check the signatures later without trusting this service.
 */
export interface TagJws {
  payload: string;
  signatures: { protected: string; header?: Record<string, unknown>; signature: string }[];
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;
const MAX_SIGNATURES = 16;

export function parseTagJws(body: unknown): TagJws {
  const jws = body as Partial<TagJws> | null;
  const shaped =
    typeof jws === 'object' &&
    jws !== null &&
    !Array.isArray(jws) &&
    Object.keys(jws).every((k) => k === 'payload' || k === 'signatures') &&
    isBase64url(jws.payload) &&
    Array.isArray(jws.signatures) &&
    jws.signatures.length > 0 &&
    jws.signatures.every(
      (s) =>
        typeof s === 'object' &&
        s !== null &&
        Object.keys(s).every((k) => k === 'protected' || k === 'header' || k === 'signature') &&
        isBase64url(s.protected) &&
        isBase64url(s.signature) &&
        (s.header === undefined || (typeof s.header === 'object' && s.header !== null && !Array.isArray(s.header))),
    );
  if (!shaped) {
    throw new TagHistoryError(
      'BODY_INVALID',
      'a signed tag must be a JWS in the general JSON serialisation: {"payload", "signatures": [{"protected", "signature"}]}',
    );
  }
  if (Buffer.from(jws.payload!, 'base64url').toString('base64url') !== jws.payload) {
    // Re-encoded, a non-canonical payload would no longer match what its signatures cover.
    throw new TagHistoryError('BODY_INVALID', 'the JWS payload must be canonical base64url (no padding, no stray bits)');
  }
  if (jws.signatures!.length > MAX_SIGNATURES) {
    throw new TagHistoryError('BODY_INVALID', `a signed tag may carry at most ${MAX_SIGNATURES} signatures`, { signatures: jws.signatures!.length });
  }
  return { payload: jws.payload!, signatures: jws.signatures! };
}

function isBase64url(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && BASE64URL.test(value);
}
