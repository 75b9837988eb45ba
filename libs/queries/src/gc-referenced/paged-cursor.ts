import type { Database } from '@tag-history/database';
import { type Kysely, type RawBuilder, sql } from 'kysely';

/** A server-side cursor read a page at a time, seen as a sequence of rows with a head. */
export class PagedCursor<R> {
  private rows: R[] = [];
  private at = 0;
  private ended = false;

  private constructor(
    private readonly db: Kysely<Database>,
    private readonly name: string,
    private readonly page: number,
  ) {}

  /** Must run inside a transaction: the cursor lives until it ends. */
  static async open<R>(db: Kysely<Database>, name: string, query: RawBuilder<unknown>, page: number): Promise<PagedCursor<R>> {
    const cursor = new PagedCursor<R>(db, name, page);
    await sql`declare ${sql.id(name)} no scroll cursor for ${query}`.execute(db);
    await cursor.fill();
    return cursor;
  }

  /** The next row without taking it; undefined at the end. Call `fill` first when `drained`. */
  head(): R | undefined {
    return this.rows[this.at];
  }

  /** The page is used up and more rows may follow: `fill` before the next `head`. */
  get drained(): boolean {
    return this.at === this.rows.length && !this.ended;
  }

  take(): void {
    this.at++;
  }

  async fill(): Promise<void> {
    this.rows = (await sql<R>`fetch forward ${sql.lit(this.page)} from ${sql.id(this.name)}`.execute(this.db)).rows;
    this.at = 0;
    this.ended = this.rows.length < this.page;
  }
}
