import type { Database } from '@tag-history/database';
import { sql, type Transaction } from 'kysely';

/**
 * Projects the events at positions (after, last] onto the read models
 * (`tags`, `tag_history`, `repositories`, `pins`, `gc_leases`) with the same
 * SQL function every append runs inside its own statement (migration 0006),
 * so a rebuild and the live tables cannot disagree on the rules.
 */
export async function projectEvents(trx: Transaction<Database>, after: number, last: number): Promise<void> {
  await sql`select tag_history_project(${after}::bigint, ${last}::bigint)`.execute(trx);
}
