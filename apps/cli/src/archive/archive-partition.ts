import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { NoteKeySource } from '@tag-history/config';
import { type Database, listLogPartitions } from '@tag-history/database';
import { readArchiveBoundary, readSigningKeys } from '@tag-history/event-store';
import { snapshotProjections } from '@tag-history/projections';
import { ED25519, type NoteVerifier, parseSignerKey } from '@tag-history/transparency';
import { type Kysely, sql } from 'kysely';
import { exportSegment } from './export-segment';
import { publishedJwks } from './segment';
import { verifySegment } from './verify-segment';

export interface ArchivedSegment {
  segment: string;
  dir: string;
  first: number;
  last: number;
  checkpointSize: number;
  root: string;
}

/** The checkpoint key's verifier, from the service's configuration (LOG_CHECKPOINT_KEY or its file). */
export function checkpointVerifier(source: NoteKeySource): NoteVerifier {
  return parseSignerKey(source.kind === 'text' ? source.text : readFileSync(source.path, 'utf8'), [ED25519]);
}

/**
 * Archives the oldest partition of the log: exports it as a segment into
 * `<to>/<partition>`, verifies the segment as an outsider would (against the
 * database's keys, not the segment's), then in one transaction keeps the
 * projections as they stand at its end (what a rebuild starts from), records
 * the segment and each stream's head at its end, and detaches and drops the
 * partition. Refuses the partition holding the head, one not full, and one
 * the transparency log has not integrated and signed yet: archiving never
 * makes a gap, and never takes what no checkpoint proves.
 */
export async function archivePartition(db: Kysely<Database>, logKey: NoteVerifier, to: string): Promise<ArchivedSegment> {
  const boundary = await readArchiveBoundary(db);
  const [oldest] = await listLogPartitions(db);
  if (!oldest) throw new Error('the log has no partition to archive');
  if (oldest.first !== boundary.position + 1)
    throw new Error(`the oldest partition ${oldest.name} does not start at the archive boundary ${boundary.position + 1}`);
  const state = await sql<{ head: number; tree: number; signed: number | null }>`
    select (select position from log_head where id = 1) as head, (select size from log_tree where id = 1) as tree,
           (select max(size) from log_checkpoints) as signed`.execute(db);
  const head = Number(state.rows[0]!.head);
  const signed = Math.min(Number(state.rows[0]!.tree), Number(state.rows[0]!.signed ?? 0));
  if (oldest.last >= head)
    throw new Error(`${oldest.name} (positions ${oldest.first} to ${oldest.last}) holds the log head ${head}: only full partitions before it are archived`);
  if (oldest.last > signed) {
    throw new Error(`${oldest.name} ends at ${oldest.last}, past what the transparency log has integrated and signed (${signed}): wait for it`);
  }

  const dir = join(to, oldest.name);
  if (existsSync(dir)) throw new Error(`${dir} exists: move it away, or archive into another folder`);
  await exportSegment(db, oldest, dir, logKey);
  const jwks = publishedJwks(await readSigningKeys(db));
  const verified = await verifySegment(dir, { jwks, logKey: logKey.text });
  if (!verified.ok) throw new Error(`the segment written to ${dir} does not verify, nothing was archived: ${verified.problems.join('; ')}`);
  const manifest = JSON.parse(readFileSync(join(dir, 'segment.json'), 'utf8')) as { eventsSha256: string };

  await db.transaction().execute(async (trx) => {
    await snapshotProjections(trx, oldest.last);
    // DETACH waits for every reader of `events`, and readers queue behind it: give up rather than stall the service.
    await sql`set local lock_timeout = '10s'`.execute(trx);
    await trx
      .insertInto('log_archive')
      .values({
        name: oldest.name,
        first_position: oldest.first,
        last_position: oldest.last,
        root: Buffer.from(verified.root, 'base64'),
        checkpoint_size: verified.checkpointSize,
        events_sha256: manifest.eventsSha256,
        archived_at: new Date(),
      })
      .execute();
    // Each stream's last event in the partition (what the manifest's `after` lists), with its client's JWS, in one statement.
    await sql`
      insert into log_archived_streams (stream_id, version, hash, segment, client_jws)
      select distinct on (stream_id) stream_id, version, hash, ${oldest.name}, data->'jws' from ${sql.id(oldest.name)} order by stream_id, version desc
      on conflict (stream_id) do update
      set version = excluded.version, hash = excluded.hash, segment = excluded.segment, client_jws = excluded.client_jws`.execute(trx);
    await sql`alter table events detach partition ${sql.id(oldest.name)}`.execute(trx);
    await sql`drop table ${sql.id(oldest.name)}`.execute(trx);
  });
  return { segment: oldest.name, dir, first: oldest.first, last: oldest.last, checkpointSize: verified.checkpointSize, root: verified.root };
}
