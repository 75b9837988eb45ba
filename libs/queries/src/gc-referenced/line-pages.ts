import type { Database } from '@tag-history/database';
import { type Kysely, type RawBuilder, sql } from 'kysely';

/**
 * A server-side cursor of text lines read a page at a time, each page one
 * text put together by Postgres (gc_referenced_page, migration 0014): Node
 * gets one string per page, not an object per line.
 */
export class LinePages {
  private ended = false;

  private constructor(
    private readonly db: Kysely<Database>,
    private readonly name: string,
    private readonly size: number,
  ) {}

  /** Must run inside a transaction: the cursor lives until it ends. */
  static async open(db: Kysely<Database>, name: string, query: RawBuilder<{ line: string }>, size: number): Promise<LinePages> {
    await sql`declare ${sql.id(name)} no scroll cursor for ${query}`.execute(db);
    return new LinePages(db, name, size);
  }

  /** The next page of lines, joined; no lines at the end. */
  async next(): Promise<{ page: string; lines: number }> {
    if (this.ended) return { page: '', lines: 0 };
    const { rows } = await sql<{ page: string; lines: number }>`select page, lines from gc_referenced_page(${this.name}, ${this.size})`.execute(this.db);
    const next = rows[0]!;
    this.ended = next.lines < this.size;
    return next;
  }
}
