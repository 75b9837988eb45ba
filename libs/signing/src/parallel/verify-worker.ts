import type { JWK } from 'jose';

/**
 * One event as it crosses to a worker: [position, stream, version, type,
 * data (an object, or its JSON text as the database gives it), actor, time in
 * ms, jws, hash, prev]. Arrays, not objects: they cost less to copy across.
 */
export type EventTuple = [number, string, number, string, Record<string, unknown> | string, string, number, string, string, string | null];

export interface WorkerKey {
  kid: string;
  jwk: JWK;
  validFrom: number | null;
  validUntil: number | null;
}

/** A chunk of events to check; with `leaves`, the RFC 6962 leaf hash of each JWS comes back too. */
export interface WorkerRequest {
  id: number;
  events: EventTuple[];
  leaves: boolean;
}

/** Why events of the chunk are broken, as [index in the chunk, reason] in order; `leaves` 32 bytes per event. */
export interface WorkerAnswer {
  id: number;
  reasons: [number, string][];
  leaves?: ArrayBuffer;
}

/**
 * The body of a verifier thread: checkEvent's checks (same reasons, same
 * order) with node:crypto directly, where one Ed25519 verification is most
 * of the cost. It runs from its source text (see parallel-log-verifier.ts),
 * so it may use nothing from outside but what it requires itself.
 */
export function verifyWorkerMain(): void {
  /* eslint-disable @typescript-eslint/no-require-imports -- the thread runs this function's source text alone: no module imports reach it */
  const { parentPort, workerData } = require('node:worker_threads') as typeof import('node:worker_threads');
  const { createHash, createPublicKey, verify } = require('node:crypto') as typeof import('node:crypto');
  const { isDeepStrictEqual } = require('node:util') as typeof import('node:util');
  /* eslint-enable @typescript-eslint/no-require-imports */
  const records = new Map<string, WorkerKey>((workerData.keys as WorkerKey[]).map((k) => [k.kid, k]));
  const imported = new Map<string, import('node:crypto').KeyObject | null>();
  const headers = new Map<string, { kid: unknown; usable: boolean } | null>();
  const LEAF_PREFIX = Buffer.from([0]);

  const keyFor = (kid: string) => {
    let key = imported.get(kid);
    if (key === undefined) {
      try {
        key = createPublicKey({ key: records.get(kid)!.jwk as import('node:crypto').JsonWebKey, format: 'jwk' });
        if (key.asymmetricKeyType !== 'ed25519') key = null;
      } catch {
        key = null;
      }
      imported.set(kid, key);
    }
    return key;
  };

  // The protected header is the same for every event a key signed: decoded once.
  const header = (segment: string) => {
    let decoded = headers.get(segment);
    if (decoded === undefined) {
      try {
        const parsed = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8')) as Record<string, unknown>;
        decoded =
          parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed)
            ? { kid: parsed.kid, usable: parsed.alg === 'EdDSA' && parsed.crit === undefined && (parsed.b64 === undefined || parsed.b64 === true) }
            : null;
      } catch {
        decoded = null;
      }
      headers.set(segment, decoded);
    }
    return decoded;
  };

  const check = (e: EventTuple): string[] => {
    const [, stream, version, type, data, actor, time, jws, hash, prev] = e;
    const reasons: string[] = [];
    if (`sha256:${createHash('sha256').update(jws).digest('hex')}` !== hash) reasons.push('hash is not the digest of the JWS');
    const parts = jws.split('.');
    const h = header(parts[0]!);
    if (!h) return [...reasons, 'JWS is malformed'];
    const kid = h.kid as string | undefined;
    const record = kid === undefined ? undefined : records.get(kid);
    if (!record) return [...reasons, `signed by unknown key ${kid ?? '(no kid)'}`];
    if ((record.validFrom !== null && time < record.validFrom) || (record.validUntil !== null && time > record.validUntil)) {
      return [...reasons, `key ${kid} was not valid at ${new Date(time).toISOString()}`];
    }
    let payload: Record<string, unknown>;
    try {
      const key = keyFor(kid!);
      if (!key || !h.usable || parts.length !== 3) throw new Error('unverifiable');
      if (!verify(null, Buffer.from(`${parts[0]}.${parts[1]}`), key, Buffer.from(parts[2]!, 'base64url'))) throw new Error('bad signature');
      payload = JSON.parse(Buffer.from(parts[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
    } catch {
      return [...reasons, 'signature does not verify'];
    }
    const differs = (field: string, same: boolean) => same || reasons.push(`${field} differs from the signed event`);
    differs('stream', payload.stream === stream);
    differs('version', payload.version === version);
    differs('type', payload.type === type);
    differs('data', isDeepStrictEqual(payload.data, typeof data === 'string' ? JSON.parse(data) : data));
    differs('actor', payload.actor === actor);
    differs('time', new Date(payload.time as string).getTime() === time);
    differs('prev', payload.prev === prev);
    return reasons;
  };

  parentPort!.on('message', ({ id, events, leaves }: WorkerRequest) => {
    const reasons: [number, string][] = [];
    const hashes = leaves ? Buffer.alloc(32 * events.length) : undefined;
    events.forEach((e, i) => {
      for (const reason of check(e)) reasons.push([i, reason]);
      hashes?.set(createHash('sha256').update(LEAF_PREFIX).update(e[7]).digest(), 32 * i);
    });
    const answer: WorkerAnswer = { id, reasons, ...(hashes ? { leaves: hashes.buffer as ArrayBuffer } : {}) };
    parentPort!.postMessage(answer, hashes ? [hashes.buffer as ArrayBuffer] : []);
  });
}
