import { Inject } from '@nestjs/common';
import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { DATABASE, type Database } from '@tag-history/database';
import { type Kysely, sql } from 'kysely';
import { PassThrough, type Readable } from 'node:stream';
import { referencedRows } from './referenced-rows';
import { ReferencedSetQuery } from './referenced-set.query';

const PAGE = 5_000;

interface Row {
  repository: string;
  digest: string;
  tags?: string[] | null;
  recovery_until?: Date | string | null;
  pin_reason?: string | null;
}

/**
 * Streams from a server-side cursor inside a REPEATABLE READ, read-only
 * transaction on a connection of its own: one snapshot, whose log position is
 * the header's cursor, and one page of rows in memory at a time. Pages are
 * fetched only as fast as the client reads; when the client goes away the
 * stream is destroyed and the transaction ends. On PGlite the one connection
 * is held for the whole stream, so writes wait until it ends.
 */
@QueryHandler(ReferencedSetQuery)
export class ReferencedSetHandler implements IQueryHandler<ReferencedSetQuery, Readable> {
  constructor(@Inject(DATABASE) private readonly db: Kysely<Database>) {}

  async execute(query: ReferencedSetQuery): Promise<Readable> {
    const out = new PassThrough();
    this.db
      .connection()
      .execute((conn) =>
        conn
          .transaction()
          .setIsolationLevel('repeatable read')
          .setAccessMode('read only')
          .execute((trx) => stream(trx, query, out)),
      )
      .catch((error: unknown) => out.destroy(error as Error));
    return out;
  }
}

async function stream(trx: Kysely<Database>, { retention, time, repository, reasons }: ReferencedSetQuery, out: PassThrough): Promise<void> {
  const head = await trx.selectFrom('log_head').select('position').where('id', '=', 1).executeTakeFirstOrThrow();
  const overrides = Object.keys(retention.repositories).length > 0 ? { retentionByRepository: retention.repositories } : {};
  if (!(await write(out, `${JSON.stringify({ cursor: head.position, retention: retention.default, ...overrides, time: time.toISOString() })}\n`))) return;
  await sql`declare gc_referenced no scroll cursor for ${referencedRows(retention, time, repository, reasons)}`.execute(trx);
  let count = 0;
  for (;;) {
    const { rows } = await sql<Row>`fetch forward ${sql.lit(PAGE)} from gc_referenced`.execute(trx);
    if (rows.length === 0) break;
    count += rows.length;
    if (!(await write(out, rows.map((row) => `${JSON.stringify(line(row, reasons))}\n`).join('')))) return;
  }
  out.end(`${JSON.stringify({ count })}\n`);
}

function line(row: Row, reasons: boolean) {
  if (!reasons) return { repository: row.repository, digest: row.digest };
  const why = {
    ...(row.tags ? { tags: row.tags } : {}),
    ...(row.recovery_until ? { recoveryUntil: new Date(row.recovery_until).toISOString() } : {}),
    ...(row.pin_reason != null ? { pin: row.pin_reason } : {}),
  };
  return { repository: row.repository, digest: row.digest, reasons: why };
}

/** Resolves false once the client has gone: the caller stops reading. */
async function write(out: PassThrough, chunk: string): Promise<boolean> {
  if (out.destroyed) return false;
  if (out.write(chunk)) return true;
  await new Promise<void>((resolve) => {
    const done = () => {
      out.off('drain', done);
      out.off('close', done);
      resolve();
    };
    out.on('drain', done);
    out.on('close', done);
  });
  return !out.destroyed;
}
