import { randomUUID } from 'node:crypto';
import type { Database } from '@tag-history/database';
import { type Kysely, sql } from 'kysely';
import type { StoredAnswer } from './stored-answer';
import type { RecordedOutcome } from '../write-operation';

/** How long a claim stays with its request; after that a retry may take it over. */
export const CLAIM_LEASE_SECONDS = 60;
/** How long a key and its answer are kept. */
export const KEY_RETENTION_HOURS = 24;

export type Claim =
  /** Run the request; `recorded` when an earlier run committed and died before it answered: its outcome is replayed. */
  | { kind: 'claimed'; owner: string; recorded?: RecordedOutcome }
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
  const { rows } = await sql<{ owner: string; result: RecordedOutcome['result'] | null; result_position: number | null }>`
    insert into idempotency_keys (actor, key, fingerprint, owner, locked_until)
    values (${actor}, ${key}, ${fingerprint}, ${owner}, now() + make_interval(secs => ${CLAIM_LEASE_SECONDS}))
    on conflict (actor, key) do update set
      fingerprint = excluded.fingerprint, owner = excluded.owner, locked_until = excluded.locked_until,
      status = null, headers = null, body = null, created_at = now(),
      -- A retention that is over frees the key; a takeover keeps what the first run committed.
      result = case when idempotency_keys.status is null and idempotency_keys.locked_until < now() then idempotency_keys.result end,
      result_position = case when idempotency_keys.status is null and idempotency_keys.locked_until < now() then idempotency_keys.result_position end
    where (idempotency_keys.status is null and idempotency_keys.locked_until < now() and idempotency_keys.fingerprint = excluded.fingerprint)
       or idempotency_keys.created_at < now() - make_interval(hours => ${KEY_RETENTION_HOURS})
    returning owner, result, result_position`.execute(db);
  const claimed = rows[0];
  if (claimed) {
    const recorded = claimed.result && claimed.result_position !== null ? { position: claimed.result_position, result: claimed.result } : undefined;
    return { kind: 'claimed', owner, ...(recorded ? { recorded } : {}) };
  }

  const row = await db
    .selectFrom('idempotency_keys')
    .select(['fingerprint', 'status', 'headers', 'body', 'result', 'result_position'])
    .where('actor', '=', actor)
    .where('key', '=', key)
    .executeTakeFirstOrThrow();
  if (row.fingerprint !== fingerprint) return { kind: 'mismatch' };
  // Committed but not yet answered (or never, if its process died): the outcome is recorded, so the answer can be made again now.
  if (row.status === null && row.result && row.result_position !== null) {
    return { kind: 'claimed', owner, recorded: { position: row.result_position, result: row.result as RecordedOutcome['result'] } };
  }
  if (row.status === null) return { kind: 'running' };
  return { kind: 'answered', answer: { status: row.status, headers: row.headers ?? {}, body: row.body ?? '' } };
}
