import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { type Connection, READ_DEDICATED_CONNECTION, type Database } from '@tag-history/database';
import { TagHistoryError } from '@tag-history/domain';
import { type Kysely, sql } from 'kysely';
import { PassThrough, type Readable } from 'node:stream';
import { LinePages, referencedLines } from '@tag-history/queries';
import { ReferencedSetQuery } from './referenced-set.query';

// Lines per page, written to the client as one chunk (about 100 KB without reasons).
const PAGE = 1_000;
/** Streams at once, each on a connection of its own: more readers wait for none and take no write connection. */
export const MAX_REFERENCED_STREAMS = 4;

/**
 * Streams from server-side cursors inside a REPEATABLE READ, read-only
 * transaction on a connection of its own, outside the write pool: one
 * snapshot, whose log position is the header's cursor, and a page of lines
 * in memory at a time. A page is fetched only once the client has read the
 * one before; when the client goes away, or reads nothing for the query's idle
 * timeout, the stream is destroyed and the transaction and its connection end.
 * At most MAX_REFERENCED_STREAMS run at once (429 beyond). On PGlite the one
 * connection is held for the whole stream, so writes wait until it ends or
 * idles out.
 */
@QueryHandler(ReferencedSetQuery)
export class ReferencedSetHandler implements IQueryHandler<ReferencedSetQuery, Readable> {
  private running = 0;

  constructor(@Inject(READ_DEDICATED_CONNECTION) private readonly dedicated: Connection['dedicated']) {}

  /** Resolves once the header is read, so that a database that is not there is an error answer, not a cut stream. */
  execute(query: ReferencedSetQuery): Promise<Readable> {
    if (this.running >= MAX_REFERENCED_STREAMS) {
      return Promise.reject(new TagHistoryError('TOO_MANY_REQUESTS', `at most ${MAX_REFERENCED_STREAMS} referenced-set streams run at once; retry later`));
    }
    this.running++;
    // Strings all the way to the socket, which copies each into memory freed once written: Buffers made on the way
    // would wait for a garbage collection, and pile up as far as V8's external-memory limit (64 MB) allows.
    const out = new PassThrough({ decodeStrings: false, encoding: 'utf8' });
    const connection = this.dedicated(query.idleTimeoutMs + 5_000);
    return new Promise((resolve, reject) => {
      let started = false;
      const start = () => {
        started = true;
        resolve(out);
      };
      connection.db
        .connection()
        .execute((conn) =>
          conn
            .transaction()
            .setIsolationLevel('repeatable read')
            .setAccessMode('read only')
            .execute((trx) => stream(trx, query, out, start)),
        )
        .catch((error: unknown) => (started ? out.destroy(error as Error) : reject(error)))
        .finally(() => {
          this.running--;
          void connection.release();
        });
    });
  }
}

async function stream(
  trx: Kysely<Database>,
  { retention, time, repository, reasons, idleTimeoutMs }: ReferencedSetQuery,
  out: PassThrough,
  started: () => void,
): Promise<void> {
  // JIT compiling the merge costs more than it saves.
  await sql`set local jit = off`.execute(trx);
  const logHead = await trx.selectFrom('log_head').select('position').where('id', '=', 1).executeTakeFirstOrThrow();
  const pages = await LinePages.open(trx, 'gc_referenced', referencedLines(retention, time, repository, reasons), PAGE);
  // The first page before the answer starts, so that a query that fails is an error answer.
  let next = await pages.next();
  started();
  const overrides = Object.keys(retention.repositories).length > 0 ? { retentionByRepository: retention.repositories } : {};
  let chunk = `${JSON.stringify({ cursor: logHead.position, retention: retention.default, ...overrides, time: time.toISOString() })}\n`;
  let count = 0;
  while (next.lines > 0) {
    count += next.lines;
    // The next page is fetched only once the client has read this one.
    if (!(await write(out, chunk + next.page, idleTimeoutMs))) return;
    chunk = '';
    next = await pages.next();
  }
  out.end(`${chunk}${JSON.stringify({ count })}\n`);
}

/** Resolves false once the client has gone, or has read nothing for `idleMs` (the stream is then destroyed): the caller stops reading. */
async function write(out: PassThrough, chunk: string, idleMs: number): Promise<boolean> {
  if (out.destroyed) return false;
  if (out.write(chunk)) return true;
  await new Promise<void>((resolve) => {
    const idle = setTimeout(() => out.destroy(new Error(`the client read nothing for ${idleMs} ms`)), idleMs);
    const done = () => {
      clearTimeout(idle);
      out.off('drain', done);
      out.off('close', done);
      resolve();
    };
    out.on('drain', done);
    out.on('close', done);
  });
  return !out.destroyed;
}
