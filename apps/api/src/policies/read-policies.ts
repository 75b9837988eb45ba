import type { Database } from '@tag-history/database';
import { type PolicySpec, policyStreamId } from '@tag-history/domain';
import type { Kysely } from 'kysely';

/** A policy as the API shows it: the rule and who set it when. */
export interface PolicyView {
  id: string;
  policy: PolicySpec;
  version: number;
  position: number;
  updatedAt: string;
  updatedBy: string;
}

export async function readPolicyViews(db: Kysely<Database>, id?: string): Promise<PolicyView[]> {
  const rows = await db
    .selectFrom('policies')
    .selectAll()
    .$if(id !== undefined, (q) => q.where('id', '=', id!))
    .orderBy('id')
    .execute();
  return rows.map((r) => ({
    id: r.id,
    policy: r.spec as unknown as PolicySpec,
    version: r.version,
    position: Number(r.position),
    updatedAt: r.updated_at.toISOString(),
    updatedBy: r.updated_by,
  }));
}

/** Every event of a policy's stream, oldest first, each with its JWS: a policy's history is short. */
export async function readPolicyHistory(db: Kysely<Database>, id: string) {
  const rows = await db.selectFrom('events').selectAll().where('stream_id', '=', policyStreamId(id)).orderBy('version').execute();
  return rows.map((r) => ({
    version: r.version,
    position: Number(r.position),
    type: r.type,
    data: r.data,
    actor: r.actor,
    time: r.recorded_at.toISOString(),
    jws: r.jws,
  }));
}
