import type { Database } from '@tag-history/database';
import { type Kysely, sql } from 'kysely';
import type { StoredAnswer } from './stored-answer';

/** Keeps the answer, unless the claim was lost meanwhile (lease over and taken by a retry). */
export async function storeIdempotentAnswer(db: Kysely<Database>, actor: string, key: string, owner: string, answer: StoredAnswer): Promise<void> {
  await db
    .updateTable('idempotency_keys')
    .set({ status: answer.status, headers: JSON.stringify(answer.headers), body: answer.body, owner: null, locked_until: null })
    .where('actor', '=', actor)
    .where('key', '=', key)
    .where('owner', '=', owner)
    .execute();
}

/**
 * Gives the key up, so that a retry runs the request again: for failures that
 * changed nothing. When the write had committed (its outcome is recorded),
 * the claim only ends, and the retry replays that outcome.
 */
export async function releaseIdempotencyKey(db: Kysely<Database>, actor: string, key: string, owner: string): Promise<void> {
  await sql`
    with released as (
      delete from idempotency_keys where actor = ${actor} and key = ${key} and owner = ${owner} and result is null
    )
    update idempotency_keys set locked_until = now() - interval '1 second'
    where actor = ${actor} and key = ${key} and owner = ${owner} and result is not null`.execute(db);
}
