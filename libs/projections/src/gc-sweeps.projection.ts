import type { Database } from '@tag-history/database';
import { type GcSweepStarted, retentionFor } from '@tag-history/domain';
import { sql, type Transaction } from 'kysely';
import type { RecordedSweepEvent } from './gc-events';

/**
 * `gc_leases`: what open sweeps may delete. A started sweep leases those of
 * its candidates that nothing references at this point of the log: no tag
 * points at them, no pin holds them, no tag left them within the retention,
 * and no tag pointed at them after the job's snapshot cursor. This runs
 * inside the append's transaction, under the log head lock, after the batch's
 * other projections: it sees every event committed before it, and every later
 * append meets the leases in the lease guard.
 */
export async function projectGcSweeps(trx: Transaction<Database>, events: RecordedSweepEvent[]): Promise<void> {
  for (const event of events) {
    if (event.type === 'GcSweepStarted') await lease(trx, event.data, event.recordedAt);
    else await sql`delete from gc_leases where sweep_id = ${event.data.id}`.execute(trx);
  }
}

async function lease(trx: Transaction<Database>, sweep: GcSweepStarted['data'], at: Date): Promise<void> {
  await sql`delete from gc_leases where lease_until <= ${at.toISOString()}::timestamptz`.execute(trx);
  const repositories: string[] = [];
  const digests: string[] = [];
  const cutoffs: string[] = [];
  for (const [repository, list] of Object.entries(sweep.candidates)) {
    const cutoff = new Date(at.getTime() - retentionFor(sweep.retention, repository)).toISOString();
    for (const digest of list) {
      repositories.push(repository);
      digests.push(digest);
      cutoffs.push(cutoff);
    }
  }
  if (digests.length === 0) return;
  await sql`
    insert into gc_leases (repository, digest, sweep_id, lease_until)
    select c.repository, c.digest, ${sweep.id}, ${sweep.leaseUntil}::timestamptz
    from unnest(${repositories}::text[], ${digests}::text[], ${cutoffs}::timestamptz[]) as c(repository, digest, cutoff)
    where not exists (select 1 from tags t where t.repository = c.repository and t.digest = c.digest)
      and not exists (select 1 from pins p where p.repository = c.repository and p.digest = c.digest)
      and not exists (
        select 1 from tag_history h
        where h.repository = c.repository and h.digest = c.digest
          and (h.to_time > c.cutoff or h.from_position > ${sweep.cursor}))
    on conflict do nothing`.execute(trx);
}
