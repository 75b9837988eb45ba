import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { type Connection, READ_DEDICATED_CONNECTION, type Database } from '@tag-history/database';
import { TagHistoryError } from '@tag-history/domain';
import type { Kysely } from 'kysely';
import { PassThrough, type Readable } from 'node:stream';
import { PagedCursor } from '@tag-history/queries';
import { referencedSources } from '@tag-history/queries';
import { ReferencedSetQuery } from './referenced-set.query';

// Rows per FETCH from each cursor, and the size of a write to the client.
const PAGE = 5_000;
const CHUNK = 64 * 1024;
/** Streams at once, each on a connection of its own: more readers wait for none and take no write connection. */
export const MAX_REFERENCED_STREAMS = 4;

/**
 * Streams from server-side cursors inside a REPEATABLE READ, read-only
 * transaction on a connection of its own, outside the write pool: one
 * snapshot, whose log position is the header's cursor, and a page of rows per
 * source in memory at a time. Pages are fetched only as fast as the client
 * reads; when the client goes away, or reads nothing for the query's idle
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
    const out = new PassThrough();
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

interface Keyed {
  repository: string;
  digest: string;
}

async function stream(
  trx: Kysely<Database>,
  { retention, time, repository, reasons, idleTimeoutMs }: ReferencedSetQuery,
  out: PassThrough,
  started: () => void,
): Promise<void> {
  const logHead = await trx.selectFrom('log_head').select('position').where('id', '=', 1).executeTakeFirstOrThrow();
  const sources = referencedSources(retention, time, repository, reasons);
  const tags = await PagedCursor.open<Keyed & { tag?: string }>(trx, 'gc_tags', sources.tags, PAGE);
  const window = await PagedCursor.open<Keyed & { until: Date | string }>(trx, 'gc_window', sources.window, PAGE);
  const pins = await PagedCursor.open<Keyed & { reason: string }>(trx, 'gc_pins', sources.pins, PAGE);
  started();
  const overrides = Object.keys(retention.repositories).length > 0 ? { retentionByRepository: retention.repositories } : {};
  let chunk = `${JSON.stringify({ cursor: logHead.position, retention: retention.default, ...overrides, time: time.toISOString() })}\n`;
  let count = 0;
  const cursors = [tags, window, pins];
  for (;;) {
    // Awaits only at page ends: per row, the merge stays synchronous.
    for (const cursor of cursors) if (cursor.drained) await cursor.fill();
    const next = cursors.reduce<Keyed | undefined>((min, cursor) => {
      const row = cursor.head();
      return row && (!min || before(row, min)) ? row : min;
    }, undefined);
    if (!next) break;
    const { repository: name, digest } = next;
    // Every source is sorted in byte order, so each holds this key at its head now, if at all.
    const tagged: string[] = [];
    for (;;) {
      if (tags.drained) await tags.fill();
      const row = tags.head();
      if (!row || !same(row, next)) break;
      if (row.tag !== undefined) tagged.push(row.tag);
      tags.take();
    }
    const inWindow = window.head();
    const until = inWindow && same(inWindow, next) ? (window.take(), new Date(inWindow.until).toISOString()) : undefined;
    const pinned = pins.head();
    const pin = pinned && same(pinned, next) ? (pins.take(), pinned.reason) : undefined;
    count++;
    if (reasons) {
      const why = { ...(tagged.length ? { tags: tagged.sort() } : {}), ...(until ? { recoveryUntil: until } : {}), ...(pin !== undefined ? { pin } : {}) };
      chunk += `${JSON.stringify({ repository: name, digest, reasons: why })}\n`;
    } else {
      // Names and digests never need escaping (their grammars allow no quote, backslash or control character),
      // and this line is written a million times.
      chunk += `{"repository":"${name}","digest":"${digest}"}\n`;
    }
    if (chunk.length >= CHUNK) {
      if (!(await write(out, chunk, idleTimeoutMs))) return;
      chunk = '';
    }
  }
  out.end(`${chunk}${JSON.stringify({ count })}\n`);
}

// Repository names and digests are ASCII, where JavaScript's string order is the byte order of collation "C".
function before(a: Keyed, b: Keyed): boolean {
  return a.repository < b.repository || (a.repository === b.repository && a.digest < b.digest);
}

function same(a: Keyed, b: Keyed): boolean {
  return a.repository === b.repository && a.digest === b.digest;
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
