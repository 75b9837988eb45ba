import { type Kysely, sql } from 'kysely';
import type { Database } from '@tag-history/database';

/** A write the service answered with 2xx: what it said it appended. */
export interface AcknowledgedWrite {
  streamId: string;
  version: number;
  position: number;
  type: string;
  /** The target digest a create or move recorded. */
  digest?: string;
}

interface WriteBody {
  events?: { type: string; version: number; position: number }[];
}

/** The events a 2xx PUT or DELETE answer reports. */
export function acknowledgedWrites(streamId: string, body: WriteBody, digest?: string): AcknowledgedWrite[] {
  return (body.events ?? []).map((e) => ({ streamId, version: e.version, position: e.position, type: e.type, ...(e.type === 'TagDeleted' ? {} : { digest }) }));
}

/** The acknowledged writes that are not in the log exactly as acknowledged. */
export async function missingWrites(db: Kysely<Database>, writes: AcknowledgedWrite[]): Promise<AcknowledgedWrite[]> {
  if (writes.length === 0) return [];
  const { rows } = await sql<{ position: number; stream_id: string; version: number; type: string; digest: string | null }>`
    select position, stream_id, version, type, data->'target'->>'digest' as digest from events
    where position = any(${writes.map((w) => w.position)}::bigint[])`.execute(db);
  const byPosition = new Map(rows.map((r) => [Number(r.position), r]));
  return writes.filter((w) => {
    const row = byPosition.get(w.position);
    return !row || row.stream_id !== w.streamId || row.version !== w.version || row.type !== w.type || (w.digest !== undefined && row.digest !== w.digest);
  });
}
