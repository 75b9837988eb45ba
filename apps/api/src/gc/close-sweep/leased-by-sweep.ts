import type { Database } from '@tag-history/database';
import type { DigestsByRepository } from '@tag-history/domain';
import { type Kysely, sql } from 'kysely';

/** Which of `digests` the sweep holds a lease on: what its close may report deleted. */
export async function leasedBySweep(db: Kysely<Database>, sweepId: string, digests: DigestsByRepository): Promise<DigestsByRepository> {
  const pairs = Object.entries(digests).flatMap(([repository, list]) => list.map((digest) => [repository, digest] as const));
  if (pairs.length === 0) return {};
  const { rows } = await sql<{ repository: string; digest: string }>`
    select l.repository, l.digest from gc_leases l
    join unnest(${pairs.map((p) => p[0])}::text[], ${pairs.map((p) => p[1])}::text[]) as d(repository, digest)
      on l.repository = d.repository and l.digest = d.digest
    where l.sweep_id = ${sweepId}`.execute(db);
  const leased: DigestsByRepository = {};
  for (const { repository, digest } of rows) (leased[repository] ??= []).push(digest);
  return leased;
}
