import type { Database } from '@tag-history/database';
import { type DigestsByRepository, type RetentionPolicy, retentionFor } from '@tag-history/domain';
import { type Kysely, sql } from 'kysely';

export interface Unreferenced {
  /** The log position the answer holds at. */
  asOf: number;
  leased: DigestsByRepository;
}

/**
 * The candidates nothing references at one position of the log: no tag
 * points at them, no pin holds them, no tag left them within the retention,
 * and no tag pointed at them after the job's snapshot `cursor`. One
 * statement, so one snapshot: the log head read with them is the position
 * they hold at (positions are dense and in commit order).
 */
export async function unreferencedCandidates(
  db: Kysely<Database>,
  candidates: DigestsByRepository,
  retention: RetentionPolicy,
  cursor: number,
  now: Date,
): Promise<Unreferenced> {
  const repositories: string[] = [];
  const digests: string[] = [];
  const cutoffs: string[] = [];
  for (const [repository, list] of Object.entries(candidates)) {
    const cutoff = new Date(now.getTime() - retentionFor(retention, repository)).toISOString();
    for (const digest of list) {
      repositories.push(repository);
      digests.push(digest);
      cutoffs.push(cutoff);
    }
  }
  const { rows } = await sql<{ as_of: number; repository: string | null; digest: string | null }>`
    with c as (
      select * from unnest(${repositories}::text[], ${digests}::text[], ${cutoffs}::timestamptz[]) as c(repository, digest, cutoff)
      where not exists (select 1 from tags t where t.repository = c.repository and t.digest = c.digest)
        and not exists (select 1 from pins p where p.repository = c.repository and p.digest = c.digest)
        and not exists (
          select 1 from tag_history h
          where h.repository = c.repository and h.digest = c.digest and (h.to_time > c.cutoff or h.from_position > ${cursor}))
    )
    select h.position as as_of, c.repository, c.digest from log_head h left join c on true where h.id = 1`.execute(db);
  const leased: DigestsByRepository = {};
  for (const { repository, digest } of rows) if (repository !== null && digest !== null) (leased[repository] ??= []).push(digest);
  return { asOf: rows[0]!.as_of, leased };
}
