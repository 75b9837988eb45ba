import type pg from 'pg';
import { EVENT_SIZED_JWS } from './driver/raw-postgres';

// Bulk-loaded events carry a JWS of the right size but not a real signature:
// they fill the log for the scaling curves, and nothing here verifies them.
const CHUNK = 1_000_000;
const TAGS_PER_CHUNK = 10_000;

/**
 * Grows the log to `target` events with set-based SQL (generate_series), never
 * through HTTP. Each chunk is a repository `scale/c<first position>` of
 * 10,000 tags moved round-robin (see loadRepository).
 */
export async function bulkLoadLog(pool: pg.Pool, target: number, progress: (events: number) => void = () => undefined): Promise<number> {
  let head = await logHead(pool);
  while (head < target) {
    const count = Math.min(CHUNK, target - head);
    await loadRepository(pool, { repository: `scale/c${head + 1}`, tags: Math.min(TAGS_PER_CHUNK, count), events: count });
    head += count;
    progress(head);
  }
  await settle(pool);
  return head;
}

/**
 * Vacuums and checkpoints now, rather than leaving it to autovacuum and the
 * checkpointer in the middle of the next measurement (a gigabyte of fresh pages to write out).
 */
export async function settle(pool: pg.Pool): Promise<void> {
  await pool.query('vacuum (analyze) events, streams, tags, tag_history');
  await pool.query('checkpoint').catch((error: { code?: string }) => {
    if (error.code !== '42501') throw error; // not allowed to: the measurement then shares the machine with the checkpointer
  });
}

/**
 * What an append sends, heard at commit: the service's instances follow loaded events (their tag caches) as they would
 * another instance's, during the load rather than when the next measured write notifies them.
 */
export async function notifyAppended(client: pg.PoolClient, head: number): Promise<void> {
  await client.query(`select pg_notify('tag_history_appended', $1::text)`, [head]);
}

async function logHead(pool: pg.Pool): Promise<number> {
  const { rows } = await pool.query<{ position: string }>('select position from log_head where id = 1');
  return Number(rows[0]!.position);
}

export interface RepositoryLoad {
  /** A repository nothing has written to yet. */
  repository: string;
  /** Tags t0..t<tags-1>. */
  tags: number;
  /** Events appended: each tag is created, then moved round-robin (so a tag has about events / tags versions). */
  events: number;
  /** What stands for each event's JWS: by default one of a signed event's size. */
  jws?: string;
}

/**
 * Appends a repository's whole history at the log head in one transaction,
 * with the rows of every table an append writes: events, streams (version and
 * snapshot), and the projections (tags, tag_history, repositories) exactly as
 * a rebuild would make them, and the log head, and notifies at commit as an append does. Event i (0-based) moves tag
 * i % tags to digest(i), as version i / tags + 1; an event's time is
 * 2026-01-01 plus its position in milliseconds, so times grow with positions
 * and lie months before any retention window. Returns the position of its
 * first event (writes still in flight may have moved the head since it was last read).
 */
export async function loadRepository(pool: pg.Pool, { repository, tags, events: count, jws = EVENT_SIZED_JWS }: RepositoryLoad): Promise<number> {
  const client = await pool.connect();
  const digest = (i: string) => `'sha256:' || md5((${i})::text) || md5((${i})::text || 'x')`;
  const target = (i: string) => `jsonb_build_object('mediaType', 'application/vnd.oci.image.manifest.v1+json', 'size', 1234, 'digest', ${digest(i)})`;
  const at = (i: string) => `timestamptz '2026-01-01 00:00:00Z' + ($1::bigint + ${i} + 1) * interval '1 millisecond'`;
  const last = `k + ((${count} - 1 - k) / ${tags}) * ${tags}`;
  try {
    await client.query('begin');
    const { rows } = await client.query<{ position: string }>('select position from log_head where id = 1 for update');
    const head = Number(rows[0]!.position);
    // A partitioned log (migration 0011) gets the partitions these positions need first.
    const partitioned = await client.query(`select to_regprocedure('tag_history_extend_log(bigint)') is not null as yes`);
    if (partitioned.rows[0].yes) await client.query('select tag_history_extend_log($1::bigint)', [count]);
    await client.query(
      `insert into events (position, stream_id, version, type, data, actor, recorded_at, jws, hash, prev_hash)
       select $1::bigint + i + 1, $2::text || ':t' || (i % $3::int), i / $3::int + 1,
         case when i < $3::int then 'TagCreated' else 'TagMoved' end,
         case when i < $3::int then jsonb_build_object('repository', $2::text, 'tag', 't' || (i % $3::int), 'target', ${target('i')})
              else jsonb_build_object('repository', $2::text, 'tag', 't' || (i % $3::int), 'from', ${target(`i - $3::int`)}, 'target', ${target('i')}) end,
         'bench', ${at('i')}, $4, ${digest('i')}, case when i < $3::int then null else ${digest(`i - $3::int`)} end
       from generate_series(0, $5::int - 1) as i`,
      [head, repository, tags, jws, count],
    );
    await client.query(
      `insert into streams (stream_id, version, last_hash, snapshot)
       select $1::text || ':t' || k, (${count} - 1 - k) / $2::int + 1, ${digest(last)},
         jsonb_build_object('version', (${count} - 1 - k) / $2::int + 1, 'target', ${target(last)})
       from generate_series(0, $2::int - 1) as k`,
      [repository, tags],
    );
    await client.query(
      `insert into tags (repository, tag, media_type, size, digest, version, position, updated_at, updated_by)
       select $2::text, 't' || k, 'application/vnd.oci.image.manifest.v1+json', 1234, ${digest(last)}, (${count} - 1 - k) / $3::int + 1,
         $1::bigint + ${last} + 1, ${at(last)}, 'bench'
       from generate_series(0, $3::int - 1) as k`,
      [head, repository, tags],
    );
    // Interval i opens at event i and is closed by event i + tags, the tag's next version, when there is one.
    await client.query(
      `insert into tag_history (repository, tag, version, media_type, size, digest, from_position, from_time, from_actor,
                                to_version, to_position, to_time, to_actor)
       select $2::text, 't' || (i % $3::int), i / $3::int + 1, 'application/vnd.oci.image.manifest.v1+json', 1234, ${digest('i')},
         $1::bigint + i + 1, ${at('i')}, 'bench',
         case when i + $3::int < $4::int then i / $3::int + 2 end,
         case when i + $3::int < $4::int then $1::bigint + i + $3::int + 1 end,
         case when i + $3::int < $4::int then ${at('i + $3::int')} end,
         case when i + $3::int < $4::int then 'bench' end
       from generate_series(0, $4::int - 1) as i`,
      [head, repository, tags, count],
    );
    await client.query(`insert into repositories (name, created_at) values ($2, ${at('0')})`, [head, repository]);
    await client.query('update log_head set position = $1 where id = 1', [head + count]);
    await notifyAppended(client, head + count);
    await client.query('commit');
    return head + 1;
  } catch (error) {
    await client.query('rollback');
    throw error;
  } finally {
    client.release();
  }
}
