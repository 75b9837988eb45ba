import { isDeepStrictEqual } from 'node:util';
import { compactVerify, decodeProtectedHeader } from 'jose';
import { eventHash } from './event-hash';
import type { EventPayload } from './event-payload';
import type { KeyRing } from './key-ring';
import type { RecordedEvent } from './recorded-event';

const decoder = new TextDecoder();

/**
 * Why one row is not what was signed, or nothing: its JWS verifies with the
 * key valid at its time, its hash is the JWS's, and the signed payload says
 * exactly what its columns say. The chain across rows is the caller's.
 */
export async function checkEvent(event: RecordedEvent, keys: KeyRing): Promise<string[]> {
  const reasons: string[] = [];
  if (eventHash(event.jws) !== event.hash) reasons.push('hash is not the digest of the JWS');
  let kid: string | undefined;
  try {
    kid = decodeProtectedHeader(event.jws).kid;
  } catch {
    return [...reasons, 'JWS is malformed'];
  }
  const found = keys.keyAt(kid, event.recordedAt);
  if ('reason' in found) return [...reasons, found.reason];
  let payload: EventPayload;
  try {
    const verified = await compactVerify(event.jws, await found.key, { algorithms: ['EdDSA'] });
    payload = JSON.parse(decoder.decode(verified.payload)) as EventPayload;
  } catch {
    return [...reasons, 'signature does not verify'];
  }
  const differs = (field: string, same: boolean) => same || reasons.push(`${field} differs from the signed event`);
  differs('stream', payload.stream === event.streamId);
  differs('version', payload.version === event.version);
  differs('type', payload.type === event.type);
  differs('data', isDeepStrictEqual(payload.data, event.data));
  differs('actor', payload.actor === event.actor);
  differs('time', new Date(payload.time).getTime() === event.recordedAt.getTime());
  differs('prev', payload.prev === event.prevHash);
  return reasons;
}
