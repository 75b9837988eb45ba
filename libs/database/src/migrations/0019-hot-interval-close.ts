import { type Kysely, sql } from 'kysely';

// Frozen: a migration never changes once released; later changes get a new file.
//
// The intervals statement (insert the new interval, close the previous one by
// updating its `to_*`) was 62% of the database's time per move: `to_time` was
// indexed (`tag_history_closed`, for the GC's retention window), so every close
// was a non-HOT update writing a new entry into each of the table's five indexes,
// and at fillfactor 100 the new row version rarely fit on its page anyway.
// Now no index holds a column a close changes, and pages keep room for it, so
// a close is a HOT update: one new row version on the same page, no index
// entry. The intervals closed within a retention window are found from what
// never changes once written (libs/queries closed-since.ts):
//  - closed by a move: the interval that the move opened starts at the very
//    time the previous one ended; `tag_history_opened` finds those, the primary
//    key (version - 1) the interval each closed;
//  - closed by a delete (which opens none): the log's `TagDeleted` events by
//    time, a partial index that moves never write (a delete whose partition
//    was archived: a scan, only when an archive was made within the window).
//
// Fillfactor 50: a row is closed once and never updated after, so a page
// half full holds a second version of each of its rows, and every close finds
// room on its page without waiting for a prune. A prune frees the versions no
// snapshot can see any more, so at 70 or 85 whether a close is HOT depends on
// timing: rows inserted together are closed together (a batch of 100 moves,
// each closing a row of the batch before it: one transaction, no prune in
// between), and any long reader (a GC stream, a backup) stops pruning
// altogether. Measured (docs/benchmarks.md): 50 kept 97-100% of closes HOT in
// both patterns; at 70 and 85 it ranged from 24% to 99% with the load and the
// pattern. The heap takes about twice the pages; the indexes no longer grow by
// five entries per close.
// It applies to pages filled from now on; a rebuild packs the rows it replays
// (closed, never updated again) and keeps the setting for the pages after them.
export async function up(db: Kysely<unknown>): Promise<void> {
  const statements = [
    sql`drop index tag_history_closed`,
    sql`create index tag_history_opened on tag_history (from_time)`,
    // One build per partition of the log (a scan of each), as migration 0011's indexes.
    sql`set local statement_timeout = 0`,
    sql`create index events_deleted_at on events (recorded_at) where type = 'TagDeleted'`,
    sql`alter table tag_history set (fillfactor = 50)`,
  ];
  for (const statement of statements) await statement.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  const statements = [
    sql`alter table tag_history reset (fillfactor)`,
    sql`drop index events_deleted_at`,
    sql`drop index tag_history_opened`,
    sql`create index tag_history_closed on tag_history (to_time) where to_time is not null`,
  ];
  for (const statement of statements) await statement.execute(db);
}
