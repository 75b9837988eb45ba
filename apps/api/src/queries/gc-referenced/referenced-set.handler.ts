import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { type Connection, copyOutLines, inlineQuery, type LineSink, READ_DEDICATED_CONNECTION, type Database } from '@tag-history/database';
import { TagHistoryError } from '@tag-history/domain';
import { type Kysely, type RawBuilder, sql } from 'kysely';
import type pg from 'pg';
import { PassThrough, type Readable } from 'node:stream';
import { LinePages, referencedLines } from '@tag-history/queries';
import { ReferencedSetQuery } from './referenced-set.query';

// Lines per page, written to the client as one chunk (about 100 KB without reasons).
const PAGE = 1_000;
/** Streams at once, each on a connection of its own: more readers wait for none and take no write connection. */
export const MAX_REFERENCED_STREAMS = 4;

/**
 * Streams inside a REPEATABLE READ, read-only transaction on a connection
 * of its own, outside the write pool: one snapshot, whose log position is the
 * header's cursor. On Postgres the lines come from a COPY, read off the
 * socket only as fast as the client reads them (the server waits meanwhile);
 * on PGlite a page of them at a time from a cursor. When the client goes
 * away, or reads nothing for the query's idle timeout, the stream is destroyed
 * and the transaction and its connection end (a COPY's connection is closed
 * at once: there is no other way to stop one).
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
            .execute((trx) => stream(trx, connection.client?.(), query, out, start)),
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
  client: pg.ClientBase | undefined,
  { retention, time, repository, reasons, idleTimeoutMs }: ReferencedSetQuery,
  out: PassThrough,
  started: () => void,
): Promise<void> {
  // JIT compiling the merge costs more than it saves.
  await sql`set local jit = off`.execute(trx);
  const logHead = await trx.selectFrom('log_head').select('position').where('id', '=', 1).executeTakeFirstOrThrow();
  const overrides = Object.keys(retention.repositories).length > 0 ? { retentionByRepository: retention.repositories } : {};
  let header = `${JSON.stringify({ cursor: logHead.position, retention: retention.default, ...overrides, time: time.toISOString() })}\n`;
  // The answer starts with the first lines, so that a query that fails before them is an error answer.
  const send: LineSink = (text) => {
    if (header !== '') {
      started();
      text = header + text;
      header = '';
    }
    return write(out, text, idleTimeoutMs);
  };
  const lines = referencedLines(retention, time, repository, reasons);
  const count = client === undefined ? await paged(trx, lines, send) : await copied(trx, client, lines, send);
  if (count === undefined || out.destroyed) return;
  if (header !== '') started();
  out.end(`${header}${JSON.stringify({ count })}\n`);
}

/**
 * COPY on Postgres: the lines come off the database socket into one reused
 * buffer and go to the client as they are read, and the socket is not read
 * while the client is not (see copy-out-lines.ts). The copy is one
 * statement for as long as the client reads: the idle timeout bounds it,
 * not statement_timeout (which bounds its lock waits instead). Planned as COPY plans it (for the whole result,
 * not a cursor's first rows), the set was hashed, then sorted, before its
 * first line (2.5 s for 10^6 tags, with a misestimated number of groups):
 * without hash aggregation the planner keeps the merge of the sorted sources.
 */
async function copied(trx: Kysely<Database>, client: pg.ClientBase, lines: RawBuilder<{ line: string }>, send: LineSink): Promise<number> {
  // A lock wait is still bounded as the statement was (a read-only copy waits for nothing else).
  await sql`select set_config('lock_timeout', current_setting('statement_timeout'), true), set_config('statement_timeout', '0', true),
    set_config('enable_hashagg', 'off', true)`.execute(trx);
  return copyOutLines(client, inlineQuery(lines), send);
}

/**
 * PGlite has no socket to read a COPY from as it runs (its COPY writes the
 * whole output into one Blob, `TO '/dev/blob'`; TO STDOUT gives nothing): a
 * server-side cursor, a page of lines (one text each, gc_referenced_page)
 * fetched once the client has read the one before.
 */
async function paged(trx: Kysely<Database>, lines: RawBuilder<{ line: string }>, send: LineSink): Promise<number | undefined> {
  const pages = await LinePages.open(trx, 'gc_referenced', lines, PAGE);
  let count = 0;
  for (let next = await pages.next(); next.lines > 0; next = await pages.next()) {
    count += next.lines;
    if (!(await send(next.page))) return undefined;
  }
  return count;
}

/** True, or a promise of whether the client still reads: false once it has gone, or has read nothing for `idleMs` (the stream is then destroyed). */
function write(out: PassThrough, chunk: string, idleMs: number): boolean | Promise<boolean> {
  if (out.destroyed) return false;
  if (out.write(chunk)) return true;
  return new Promise<boolean>((resolve) => {
    const idle = setTimeout(() => out.destroy(new Error(`the client read nothing for ${idleMs} ms`)), idleMs);
    const done = () => {
      clearTimeout(idle);
      out.off('drain', done);
      out.off('close', done);
      resolve(!out.destroyed);
    };
    out.on('drain', done);
    out.on('close', done);
  });
}
