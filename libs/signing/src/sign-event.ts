import { CompactSign } from 'jose';
import { eventHash } from './event-hash';
import type { EventPayload } from './event-payload';
import type { SigningKey } from './signing-key';

const encoder = new TextEncoder();

export interface SignedEvent {
  payload: EventPayload;
  jws: string;
  hash: string;
}

export async function signEvent(key: SigningKey, payload: EventPayload): Promise<SignedEvent> {
  const jws = await new CompactSign(encoder.encode(JSON.stringify(payload)))
    .setProtectedHeader({ alg: 'EdDSA', kid: key.kid })
    .sign(key.privateKey);
  return { payload, jws, hash: eventHash(jws) };
}
