import type { Database } from '@tag-history/database';
import type { Kysely } from 'kysely';
import { toRecordedEvent } from './to-recorded-event';
import type { OperationResult, RecordedOutcome } from './write-operation';

/**
 * A write that committed but whose answer was lost (the process died in
 * between): its outcome was recorded with its events, so the retry is
 * answered from the log exactly as the first run would have been.
 */
export async function replayOutcome(db: Kysely<Database>, { position, result }: RecordedOutcome): Promise<OperationResult[]> {
  const total = result.counts.reduce((a, b) => a + b, 0);
  const rows = await db
    .selectFrom('events')
    .selectAll()
    .where('position', '>=', position)
    .where('position', '<', position + total)
    .orderBy('position')
    .execute();
  const events = rows.map(toRecordedEvent);
  let next = 0;
  return result.states.map((state, k) => ({ state, events: events.slice(next, (next += result.counts[k]!)) }));
}
