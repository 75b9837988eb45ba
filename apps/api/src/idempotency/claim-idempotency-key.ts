import { randomUUID } from 'node:crypto';
import type { Database } from '@tag-history/database';
import { type Kysely, sql } from 'kysely';
import type { StoredAnswer } from './stored-answer';

/** How long a claim stays with its request; after that a retry may take it over. */
export const CLAIM_LEASE_SECONDS = 60;
/** How long a key and its answer are kept. */
export const KEY_RETENTION_HOURS = 24;

export type Claim =
  | { kind: 'claimed'; owner: string }
  | { kind: 'answered'; answer: StoredAnswer }
  /** The first request with this key is still running. */
  | { kind: 'running' }
  /** The key was used for another request. */
  | { kind: 'mismatch' };

/**
 * Claims a key for a request, atomically across instances: exactly one of
 * concurrent requests with one key gets `claimed`. A claim whose request died
 * (lease over, no answer) may be taken over by the same request only; one
 * whose retention is over is free for any request.
 */
export async function claimIdempotencyKey(db: Kysely<Database>, actor: string, key: string, fingerprint: string): Promise<Claim> {
  const owner = randomUUID();
  const { rows } = await sql<{ owner: string }>`
    insert into idempotency_keys (actor, key, fingerprint, owner, locked_until)
    values (${actor}, ${key}, ${fingerprint}, ${owner}, now() + make_interval(secs => ${CLAIM_LEASE_SECONDS}))
    on conflict (actor, key) do update set
      fingerprint = excluded.fingerprint, owner = excluded.owner, locked_until = excluded.locked_until,
      status = null, headers = null, body = null, created_at = now()
    where (idempotency_keys.status is null and idempotency_keys.locked_until < now() and idempotency_keys.fingerprint = excluded.fingerprint)
       or idempotency_keys.created_at < now() - make_interval(hours => ${KEY_RETENTION_HOURS})
    returning owner`.execute(db);
  if (rows.length > 0) return { kind: 'claimed', owner };

  const row = await db
    .selectFrom('idempotency_keys')
    .select(['fingerprint', 'status', 'headers', 'body'])
    .where('actor', '=', actor)
    .where('key', '=', key)
    .executeTakeFirstOrThrow();
  if (row.fingerprint !== fingerprint) return { kind: 'mismatch' };
  if (row.status === null) return { kind: 'running' };
  return { kind: 'answered', answer: { status: row.status, headers: row.headers ?? {}, body: row.body ?? '' } };
}
