import type { Database } from '@tag-history/database';
import { sql, type Transaction } from 'kysely';

/** LISTEN on this channel to hear "the log now ends at position <payload>". */
export const APPENDED_CHANNEL = 'tag_history_appended';

/**
 * Postgres delivers a notification only when its transaction commits, so a
 * listener never hears of events it cannot read yet, nor of rolled-back ones.
 */
export async function notifyAppended(trx: Transaction<Database>, lastPosition: number): Promise<void> {
  await sql`select pg_notify(${APPENDED_CHANNEL}, ${String(lastPosition)})`.execute(trx);
}
