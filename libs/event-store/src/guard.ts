import type { Database } from '@tag-history/database';
import type { Transaction } from 'kysely';
import type { Unit } from './signed-append';

/**
 * Checks units that passed their version check, inside the append's
 * transaction and under the log head lock; answers one error (refusing that
 * unit alone) or undefined per unit, in order.
 */
export type Guard = (trx: Transaction<Database>, units: Unit[]) => Promise<(Error | undefined)[]>;
