import { Inject, Injectable } from '@nestjs/common';
import { DATABASE, type Database } from '@tag-history/database';
import type { Kysely } from 'kysely';
import { CLOCK, type Clock } from '../../infrastructure/clock';

export const RECONCILE_LEASE_MS = 60_000;

/** With several instances exactly one reconciles a registry at a time; a crashed holder's lease runs out. */
@Injectable()
export class ReconcileLease {
  constructor(
    @Inject(DATABASE) private readonly db: Kysely<Database>,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async acquire(registry: string, holder: string): Promise<boolean> {
    const now = this.clock();
    const leaseUntil = new Date(now.getTime() + RECONCILE_LEASE_MS);
    const row = await this.db
      .insertInto('registry_reconcile_leases')
      .values({ registry, holder, lease_until: leaseUntil })
      .onConflict((oc) => oc.column('registry').doUpdateSet({ holder, lease_until: leaseUntil }).where('registry_reconcile_leases.lease_until', '<', now))
      .returning('holder')
      .executeTakeFirst();
    return row?.holder === holder;
  }

  async renew(registry: string, holder: string): Promise<void> {
    const leaseUntil = new Date(this.clock().getTime() + RECONCILE_LEASE_MS);
    await this.db
      .updateTable('registry_reconcile_leases')
      .set({ lease_until: leaseUntil })
      .where('registry', '=', registry)
      .where('holder', '=', holder)
      .execute();
  }

  async release(registry: string, holder: string): Promise<void> {
    await this.db.deleteFrom('registry_reconcile_leases').where('registry', '=', registry).where('holder', '=', holder).execute();
  }
}
