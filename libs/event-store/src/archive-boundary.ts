import type { Database } from '@tag-history/database';
import type { StreamHeadRecord } from '@tag-history/signing';
import type { Kysely } from 'kysely';
import { repositoryStreamPrefixes } from '@tag-history/domain';

/** The log's archived prefix: positions 1..position live in segments, the last one `segment`; 0 and null when none. */
export interface ArchiveBoundary {
  position: number;
  segment: string | null;
  /** The transparency tree's root at size `position`, as the segment proved it into a signed checkpoint. */
  root: Uint8Array | null;
}

export async function readArchiveBoundary(db: Kysely<Database>): Promise<ArchiveBoundary> {
  const row = await db.selectFrom('log_archive').select(['name', 'last_position', 'root']).orderBy('last_position', 'desc').limit(1).executeTakeFirst();
  return row ? { position: Number(row.last_position), segment: row.name, root: row.root } : { position: 0, segment: null, root: null };
}

/** The segment holding `position`, when it was archived. */
export async function archivedSegmentOf(db: Kysely<Database>, position: number): Promise<string | undefined> {
  const row = await db
    .selectFrom('log_archive')
    .select('name')
    .where('first_position', '<=', position)
    .where('last_position', '>=', position)
    .executeTakeFirst();
  return row?.name;
}

/** Each stream's last archived version and hash (those of one repository's streams with `repository`). */
export async function readArchivedHeads(db: Kysely<Database>, repository?: string): Promise<StreamHeadRecord[]> {
  let query = db.selectFrom('log_archived_streams').select(['stream_id', 'version', 'hash']);
  if (repository !== undefined) {
    const patterns = repositoryStreamPrefixes(repository).map((prefix) => `${prefix.replace(/[\\%_]/g, '\\$&')}%`);
    query = query.where((eb) => eb.or(patterns.map((pattern) => eb('stream_id', 'like', pattern))));
  }
  const rows = await query.execute();
  return rows.map((r) => ({ stream: r.stream_id, version: r.version, hash: r.hash }));
}
