import type { FeedEvent } from './live-feed.js';

export interface JwksKey {
  kty: string;
  crv: string;
  x: string;
  kid: string;
  valid_from?: string | null;
  valid_until?: string | null;
}

/** One check of an event; `ok: null` is a check that does not apply (yet), which neither passes nor fails it. */
export interface Check {
  name: string;
  ok: boolean | null;
  detail: string;
}

export interface Verification {
  verified: boolean;
  checks: Check[];
  header: unknown;
  payload: unknown;
}

/**
 * A check beyond signature, row and chain. The transparency log (issue 19)
 * adds its inclusion proof here: fetch the proof and the checkpoint, check
 * the proof against the event's leaf hash and the checkpoint's signature
 * against its key, and return a Check; the badge then requires it too.
 */
export type ExtraCheck = (event: FeedEvent) => Promise<Check>;

export const extraChecks: ExtraCheck[] = [async () => ({ name: 'Transparency log inclusion', ok: null, detail: 'this service has no transparency log yet' })];

const decoder = new TextDecoder();

function base64url(text: string): Uint8Array<ArrayBuffer> {
  const b64 = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  const bin = atob(b64);
  const bytes = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
  return bytes;
}

export async function sha256Hex(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** Key order does not matter (the database stores `data` as jsonb, which reorders keys); everything else does. */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null || Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && sameJson((a as never)[k], (b as never)[k]));
}

interface Signed {
  header: { alg?: string; kid?: string };
  payload: Record<string, unknown>;
  check: Check;
}

/** The compact JWS checked with WebCrypto Ed25519 and the JWKS key that was valid at the event's time. */
async function checkSignature(jws: string, time: string, keys: JwksKey[], label: string): Promise<Signed> {
  const fail = (detail: string): Signed => ({ header: {}, payload: {}, check: { name: label, ok: false, detail } });
  const parts = jws.split('.');
  if (parts.length !== 3) return fail('not a compact JWS');
  let header: Signed['header'];
  let payload: Record<string, unknown>;
  try {
    header = JSON.parse(decoder.decode(base64url(parts[0]!))) as Signed['header'];
    payload = JSON.parse(decoder.decode(base64url(parts[1]!))) as Record<string, unknown>;
  } catch {
    return fail('the header or payload is not JSON');
  }
  const result = (ok: boolean, detail: string): Signed => ({ header, payload, check: { name: label, ok, detail } });
  if (header.alg !== 'EdDSA') return result(false, `algorithm ${String(header.alg)} is not EdDSA`);
  const key = keys.find((k) => k.kid === header.kid);
  if (!key) return result(false, `signed by ${String(header.kid)}, a key the JWKS does not hold`);
  const at = new Date(time).getTime();
  if ((key.valid_from && at < Date.parse(key.valid_from)) || (key.valid_until && at > Date.parse(key.valid_until))) {
    return result(false, `key ${key.kid} was not valid at ${time}`);
  }
  try {
    const publicKey = await crypto.subtle.importKey('jwk', { kty: key.kty, crv: key.crv, x: key.x }, { name: 'Ed25519' }, false, ['verify']);
    const ok = await crypto.subtle.verify({ name: 'Ed25519' }, publicKey, base64url(parts[2]!), new TextEncoder().encode(`${parts[0]}.${parts[1]}`));
    return result(ok, ok ? `Ed25519 signature by key ${key.kid}` : `the signature does not match key ${key.kid}`);
  } catch (error) {
    return result(false, `this browser could not check Ed25519: ${(error as Error).message}`);
  }
}

/**
 * Everything is recomputed here from the JWS texts and the JWKS; nothing the
 * server says about validity is taken on trust. The row is what the page
 * shows, so it must equal what was signed.
 */
export async function verifyEvent(event: FeedEvent, previous: FeedEvent | null, keys: JwksKey[]): Promise<Verification> {
  const signed = await checkSignature(event.jws, event.time, keys, 'Signature');
  const p = signed.payload;
  const differs = [
    p.stream !== event.stream && 'stream',
    p.version !== event.version && 'version',
    p.type !== event.type && 'type',
    !sameJson(p.data, event.data) && 'data',
    p.actor !== event.actor && 'actor',
    Date.parse(String(p.time)) !== Date.parse(event.time) && 'time',
    (p.prev ?? null) !== event.prev && 'prev',
  ].filter((d): d is string => typeof d === 'string');
  const hash = `sha256:${await sha256Hex(event.jws)}`;
  const checks: Check[] = [
    signed.check,
    {
      name: 'Row matches the signed payload',
      ok: signed.check.ok && differs.length === 0,
      detail: differs.length ? `the stored ${differs.join(', ')} differ from what was signed` : 'stream, version, type, data, actor, time and prev as signed',
    },
    {
      name: 'Event hash',
      ok: hash === event.hash,
      detail: hash === event.hash ? 'SHA-256 of the JWS' : `the JWS hashes to ${hash}, the row says ${event.hash}`,
    },
    await checkChain(event, p.prev ?? null, previous, keys),
  ];
  for (const extra of extraChecks) checks.push(await extra(event));
  return { verified: checks.every((c) => c.ok !== false), checks, header: signed.header, payload: p };
}

/** The signed `prev` must be the hash of the stream's previous event, itself signed by this service. */
async function checkChain(event: FeedEvent, signedPrev: unknown, previous: FeedEvent | null, keys: JwksKey[]): Promise<Check> {
  const name = 'Hash chain link';
  if (event.version === 1) {
    return signedPrev === null
      ? { name, ok: true, detail: 'first event of its stream' }
      : { name, ok: false, detail: 'a first event must not name a previous one' };
  }
  if (!previous || previous.stream !== event.stream || previous.version !== event.version - 1) {
    return { name, ok: false, detail: `the previous event (version ${event.version - 1}) is missing` };
  }
  const previousHash = `sha256:${await sha256Hex(previous.jws)}`;
  if (signedPrev !== previousHash) return { name, ok: false, detail: `prev is ${String(signedPrev)}, the previous event hashes to ${previousHash}` };
  const previousSigned = await checkSignature(previous.jws, previous.time, keys, name);
  if (!previousSigned.check.ok) return { name, ok: false, detail: `the previous event: ${previousSigned.check.detail}` };
  if (previousSigned.payload.stream !== event.stream || previousSigned.payload.version !== event.version - 1) {
    return { name, ok: false, detail: 'the previous event was signed for another stream or version' };
  }
  return { name, ok: true, detail: `prev is the hash of version ${previous.version} (position ${previous.position}), whose signature verifies` };
}
