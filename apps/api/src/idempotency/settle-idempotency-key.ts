import type { Database } from '@tag-history/database';
import type { Kysely } from 'kysely';
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

/** Gives the key up, so that a retry runs the request again: for failures that changed nothing (or may not have). */
export async function releaseIdempotencyKey(db: Kysely<Database>, actor: string, key: string, owner: string): Promise<void> {
  await db.deleteFrom('idempotency_keys').where('actor', '=', actor).where('key', '=', key).where('owner', '=', owner).execute();
}
