import type { Database } from '@tag-history/database';
import { type CleanupCandidate, type Policy, policyGlobSource } from '@tag-history/domain';
import { type Kysely, sql } from 'kysely';

/**
 * The current tags an expire or retain policy governs, and those whose own
 * `expiresAt` has passed: a superset the pure plan narrows. The globs become
 * the same regular expressions the domain matches with.
 */
export async function cleanupCandidates(db: Kysely<Database>, policies: readonly Policy[], now: Date): Promise<CleanupCandidate[]> {
  const acting = policies.filter((p) => p.rule === 'expire' || p.rule === 'retain');
  const rows = await db
    .selectFrom('tags as t')
    .leftJoin('tag_expiry as x', (join) => join.onRef('x.repository', '=', 't.repository').onRef('x.tag', '=', 't.tag'))
    .select(['t.repository', 't.tag', 't.version', 't.position', 't.updated_at', 'x.expires_at'])
    .where((eb) =>
      eb.or([
        eb('x.expires_at', '<=', now),
        ...acting.map((p) =>
          eb.and([sql<boolean>`t.repository ~ ${policyGlobSource('repositories', p.repositories)}`, sql<boolean>`t.tag ~ ${policyGlobSource('tags', p.tags)}`]),
        ),
      ]),
    )
    .execute();
  return rows.map((r) => ({
    repository: r.repository,
    tag: r.tag,
    version: r.version,
    position: Number(r.position),
    updatedAt: r.updated_at,
    expiresAt: r.expires_at ?? null,
  }));
}
