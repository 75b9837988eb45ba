import type { Database } from '@tag-history/database';
import { repositoryStreams } from '@tag-history/domain';
import { type EventTuple, type LogVerification, ParallelLogVerifier } from '@tag-history/signing';
import { type Kysely, sql, type Transaction } from 'kysely';
import { readArchiveBoundary, readArchivedHeads } from './archive-boundary';
import { readSigningKeys } from './signing-keys';

export interface VerifyLogOptions {
  /** Only the streams of this repository's events. */
  repository?: string;
  /** Rows per FETCH from the cursor. */
  pageSize?: number;
  /** Verifier threads; default: every core. */
  threads?: number;
  onProgress?(done: number, total: number): void;
  /** Each event's RFC 6962 leaf hash, in position order, computed by the verifier threads. */
  onLeaf?(position: number, hash: Uint8Array): void;
}

/**
 * Verifies every event's signature, columns and hash chain against the
 * signing keys table (retired keys included), and each stream's head. The
 * rows come in position order from a server-side cursor inside one
 * REPEATABLE READ, read-only transaction, so the events, the stream heads and
 * the log head are one snapshot however writers go on; signatures and hashes
 * are checked on worker threads (ParallelLogVerifier) while the next page is
 * read. When a prefix of the log was archived (log_archive), it starts at
 * the boundary: the first kept position follows the last archived one, and
 * each stream's first kept event its last archived one. Give it a connection of its own for a long verification: the
 * transaction holds it throughout.
 */
export async function verifyLog(db: Kysely<Database>, options: VerifyLogOptions = {}): Promise<LogVerification> {
  return db
    .transaction()
    .setIsolationLevel('repeatable read')
    .setAccessMode('read only')
    .execute((trx) => verifyInSnapshot(trx, options));
}

async function verifyInSnapshot(trx: Transaction<Database>, options: VerifyLogOptions): Promise<LogVerification> {
  const { repository, pageSize = 2_000, onProgress } = options;
  const whole = repository === undefined;
  // After an archive, the kept events follow on from the boundary: each stream's first kept event from its archived head.
  const boundary = await readArchiveBoundary(trx);
  const start = boundary.position > 0 ? { position: boundary.position, heads: await readArchivedHeads(trx, repository) } : undefined;
  const verifier = new ParallelLogVerifier({
    keys: await readSigningKeys(trx),
    wholeLog: whole,
    threads: options.threads,
    onLeaf: options.onLeaf,
    start,
    ...(whole ? {} : { chained: repositoryStreams(repository) }),
  });
  try {
    const head = Number((await trx.selectFrom('log_head').select('position').executeTakeFirstOrThrow()).position);
    const only = whole ? sql`true` : sql`data->>'repository' = ${repository}`;
    // Positions are dense: the whole log's size is its head, no count needed.
    const total = !onProgress
      ? 0
      : whole
        ? head - boundary.position
        : Number((await sql<{ n: number }>`select count(*)::int as n from events where ${only}`.execute(trx)).rows[0]!.n);
    // The data as its JSON text and the time as a number: the threads parse what they compare, this one nothing.
    await sql`
      declare verify_events no scroll cursor for
      select position, stream_id, version, type, data::text as data, actor, (extract(epoch from recorded_at) * 1000)::float8 as time, jws, hash, prev_hash
      from events where ${only} order by position`.execute(trx);
    const fetch = () => sql<EventRow>`fetch forward ${sql.lit(pageSize)} from verify_events`.execute(trx).then((r) => r.rows);
    let done = 0;
    for (let next = fetch(); ;) {
      const rows = await next;
      if (rows.length === 0) break;
      // The next page is on its way while this one is handed to the threads.
      next = rows.length < pageSize ? Promise.resolve([]) : fetch();
      await verifier.add(rows.map(toTuple));
      done += rows.length;
      onProgress?.(done, total);
    }
    await verifier.drain();
    // Stream heads: a removed last event shows only here. A repository's streams are named after it.
    await sql`
      declare verify_streams no scroll cursor for
      select stream_id, version, last_hash from streams
      where version > 0 and ${whole ? sql`true` : sql`starts_with(stream_id, ${repository})`} order by stream_id collate "C"`.execute(trx);
    for (;;) {
      const { rows } = await sql<{ stream_id: string; version: number; last_hash: string | null }>`fetch forward 10000 from verify_streams`.execute(trx);
      for (const s of rows) verifier.checkStream({ stream: s.stream_id, version: s.version, hash: s.last_hash });
      if (rows.length < 10_000) break;
    }
    return await verifier.finish({ lastPosition: head });
  } finally {
    await verifier.close();
  }
}

interface EventRow {
  position: number;
  stream_id: string;
  version: number;
  type: string;
  data: string;
  actor: string;
  time: number;
  jws: string;
  hash: string;
  prev_hash: string | null;
}

function toTuple(r: EventRow): EventTuple {
  return [Number(r.position), r.stream_id, r.version, r.type, r.data, r.actor, Number(r.time), r.jws, r.hash, r.prev_hash];
}
