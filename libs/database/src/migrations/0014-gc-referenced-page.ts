import { type Kysely, sql } from 'kysely';

// Frozen: a migration never changes once released; later changes get a new file.
//
// Issue 12: the GC referenced set is a cursor of NDJSON lines (one per referenced
// digest, written by Postgres). Fetched row by row into Node, a million lines were
// a million objects, most of the stream's memory; this takes a page of them
// from the cursor and answers it as one text, and how many lines it holds.
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create function gc_referenced_page(cursor_name refcursor, n integer, out page text, out lines integer)
    language plpgsql as $$
    declare
      taken text[] := array[]::text[];
      line text;
    begin
      for i in 1..n loop
        fetch cursor_name into line;
        exit when not found;
        taken := array_append(taken, line);
      end loop;
      page := array_to_string(taken, '');
      lines := cardinality(taken);
    end $$`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop function gc_referenced_page(refcursor, integer)`.execute(db);
}
