import { compactVerify, createLocalJWKSet, type JSONWebKeySet } from 'jose';
import type { EventPayload } from './event-payload';

const decoder = new TextDecoder();

/** Checks an event's JWS against a JWKS and returns the payload it signs. Throws when it does not verify. */
export async function verifyEvent(jws: string, jwks: JSONWebKeySet): Promise<EventPayload> {
  const { payload } = await compactVerify(jws, createLocalJWKSet(jwks), { algorithms: ['EdDSA'] });
  return JSON.parse(decoder.decode(payload)) as EventPayload;
}
