import type { Database } from '@tag-history/database';
import { LogVerifier, type LogVerification } from '@tag-history/signing';
import { toRecordedEvent } from './to-recorded-event';
import type { Kysely } from 'kysely';
import { readKeyRing } from './signing-keys';

export interface VerifyLogOptions {
  /** Only the streams of this repository's events. */
  repository?: string;
  pageSize?: number;
  onProgress?(done: number, total: number): void;
}

/**
 * Reads the log in position order, a page at a time, and verifies every
 * event's signature, columns and hash chain against the signing keys table
 * (retired keys included).
 */
export async function verifyLog(db: Kysely<Database>, options: VerifyLogOptions = {}): Promise<LogVerification> {
  const { repository, pageSize = 5_000, onProgress } = options;
  const verifier = new LogVerifier(await readKeyRing(db), repository === undefined);
  const filtered = db.selectFrom('events').$if(repository !== undefined, (q) => q.where((eb) => eb(eb.ref('data', '->>').key('repository'), '=', repository!)));
  const total = onProgress ? Number((await filtered.select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow()).n) : 0;
  const page = (after: number) => filtered.selectAll().where('position', '>', after).orderBy('position').limit(pageSize).execute();
  let done = 0;
  // The next page is read while this one is verified (signatures are checked on libuv's thread pool).
  for (let next = page(0); ; ) {
    const rows = await next;
    if (rows.length === 0) break;
    next = rows.length < pageSize ? Promise.resolve([]) : page(rows[rows.length - 1]!.position);
    await verifier.add(rows.map(toRecordedEvent));
    done += rows.length;
    onProgress?.(done, total);
  }
  const streams = await db.selectFrom('streams').select(['stream_id', 'version', 'last_hash']).where('version', '>', 0).execute();
  const head = await db.selectFrom('log_head').select('position').executeTakeFirstOrThrow();
  return verifier.finish({
    streams: streams.map((s) => ({ stream: s.stream_id, version: s.version, hash: s.last_hash })),
    lastPosition: head.position,
  });
}
