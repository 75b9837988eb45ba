import { Inject, Injectable } from '@nestjs/common';
import { DATABASE, type Database } from '@tag-history/database';
import type { Kysely } from 'kysely';
import { CLOCK, type Clock } from '../../infrastructure/clock';

export const POLICY_RUN_LEASE_MS = 5 * 60_000;
const NAME = 'cleanup';

/**
 * With several instances exactly one runs the expire and retain policies at
 * a time: a lease row (an advisory lock would belong to one pooled
 * connection, and PGlite has one for everything). A crashed holder's lease
 * runs out, so a restarted instance takes over.
 */
@Injectable()
export class PolicyRunLease {
  constructor(
    @Inject(DATABASE) private readonly db: Kysely<Database>,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async acquire(holder: string): Promise<boolean> {
    const now = this.clock();
    const leaseUntil = new Date(now.getTime() + POLICY_RUN_LEASE_MS);
    const row = await this.db
      .insertInto('policy_run_leases')
      .values({ name: NAME, holder, lease_until: leaseUntil })
      .onConflict((oc) => oc.column('name').doUpdateSet({ holder, lease_until: leaseUntil }).where('policy_run_leases.lease_until', '<', now))
      .returning('holder')
      .executeTakeFirst();
    return row?.holder === holder;
  }

  /** False when the lease was lost (it ran out and another instance took it): the holder must stop. */
  async renew(holder: string): Promise<boolean> {
    const leaseUntil = new Date(this.clock().getTime() + POLICY_RUN_LEASE_MS);
    const result = await this.db
      .updateTable('policy_run_leases')
      .set({ lease_until: leaseUntil })
      .where('name', '=', NAME)
      .where('holder', '=', holder)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  async release(holder: string): Promise<void> {
    await this.db.deleteFrom('policy_run_leases').where('name', '=', NAME).where('holder', '=', holder).execute();
  }
}
