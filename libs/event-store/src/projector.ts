import type { Database } from '@tag-history/database';
import type { Transaction } from 'kysely';
import type { RecordedEvent } from './recorded-event';

/**
 * Updates read models inside the transaction that appends `events` (in log
 * order), so that a query after the commit sees them: read-your-writes on
 * every instance, with no catch-up lag.
 */
export type Projector = (trx: Transaction<Database>, events: RecordedEvent[]) => Promise<void>;
