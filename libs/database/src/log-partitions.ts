import { type Kysely, sql } from 'kysely';
import type { Database } from './database';

/**
 * Keeps a whole partition of room ahead of the log head (migration 0011's
 * `tag_history_extend_log`); answers how many partitions it made. The check
 * reads two rows; only a log that came within one partition of its last
 * bound takes the lock and makes the next.
 */
export async function extendLogPartitions(db: Kysely<Database>): Promise<number> {
  const { rows } = await sql<{ room: number; size: number }>`
    select p.until - h.position - 1 as room, p.size from log_partitioning p, log_head h where p.id = 1 and h.id = 1`.execute(db);
  const { room, size } = rows[0]!;
  if (Number(room) >= Number(size)) return 0;
  const made = await sql<{ made: number }>`select tag_history_extend_log(${size}::bigint) as made`.execute(db);
  return made.rows[0]!.made;
}

/** The partitions of `events`, oldest first, each holding positions first to last. */
export async function listLogPartitions(db: Kysely<Database>): Promise<{ name: string; first: number; last: number }[]> {
  const { rows } = await sql<{ name: string; bound: string }>`
    select c.relname as name, pg_get_expr(c.relpartbound, c.oid) as bound from pg_inherits i join pg_class c on c.oid = i.inhrelid
    where i.inhparent = 'events'::regclass`.execute(db);
  return rows
    .map(({ name, bound }) => {
      const [, from, until] = /FROM \('?(\d+)'?\) TO \('?(\d+)'?\)/.exec(bound) ?? [];
      return { name, first: Number(from), last: Number(until) - 1 };
    })
    .sort((a, b) => a.first - b.first);
}
