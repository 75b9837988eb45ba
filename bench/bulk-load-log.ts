import type pg from 'pg';
import { EVENT_SIZED_JWS } from './driver/raw-postgres';

// Bulk-loaded events carry a JWS of the right size but not a real signature:
// they fill the log for the scaling curves, and nothing here verifies them.
const CHUNK = 1_000_000;
const TAGS_PER_CHUNK = 10_000;

/**
 * Grows the log to `target` events with set-based SQL (generate_series), never
 * through HTTP. Each chunk is a repository `scale/c<first position>` whose tags
 * are moved round-robin, with the rows of every table an append would touch:
 * events, streams (version and snapshot), tags, repositories and the log head.
 */
export async function bulkLoadLog(pool: pg.Pool, target: number, progress: (events: number) => void = () => undefined): Promise<number> {
  let head = await logHead(pool);
  while (head < target) {
    const count = Math.min(CHUNK, target - head);
    await loadChunk(pool, head, count);
    head += count;
    progress(head);
  }
  // Vacuumed and checkpointed now, rather than by autovacuum and the checkpointer
  // in the middle of the next measurement (a gigabyte of fresh pages to write out).
  await pool.query('vacuum (analyze) events, streams, tags');
  await pool.query('checkpoint').catch((error: { code?: string }) => {
    if (error.code !== '42501') throw error; // not allowed to: the measurement then shares the machine with the checkpointer
  });
  return head;
}

async function logHead(pool: pg.Pool): Promise<number> {
  const { rows } = await pool.query<{ position: string }>('select position from log_head where id = 1');
  return Number(rows[0]!.position);
}

async function loadChunk(pool: pg.Pool, head: number, count: number): Promise<void> {
  const client = await pool.connect();
  const repository = `scale/c${head + 1}`;
  const tags = Math.min(TAGS_PER_CHUNK, count);
  // Event i (0-based in the chunk) moves tag i % tags to digest(i); its version is i / tags + 1.
  const digest = (i: string) => `'sha256:' || md5((${i})::text) || md5((${i})::text || 'x')`;
  const target = (i: string) => `jsonb_build_object('mediaType', 'application/vnd.oci.image.manifest.v1+json', 'size', 1234, 'digest', ${digest(i)})`;
  const last = `k + ((${count} - 1 - k) / ${tags}) * ${tags}`;
  try {
    await client.query('begin');
    await client.query('select position from log_head where id = 1 for update');
    await client.query(
      `insert into events (position, stream_id, version, type, data, actor, recorded_at, jws, hash, prev_hash)
       select $1::bigint + i + 1, $2::text || ':t' || (i % $3::int), i / $3::int + 1,
         case when i < $3::int then 'TagCreated' else 'TagMoved' end,
         case when i < $3::int then jsonb_build_object('repository', $2::text, 'tag', 't' || (i % $3::int), 'target', ${target('i')})
              else jsonb_build_object('repository', $2::text, 'tag', 't' || (i % $3::int), 'from', ${target(`i - $3::int`)}, 'target', ${target('i')}) end,
         'bench', now(), $4, ${digest('i')}, case when i < $3::int then null else ${digest(`i - $3::int`)} end
       from generate_series(0, $5::int - 1) as i`,
      [head, repository, tags, EVENT_SIZED_JWS, count],
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
       select $1::text, 't' || k, 'application/vnd.oci.image.manifest.v1+json', 1234, ${digest(last)}, (${count} - 1 - k) / $2::int + 1, $3::bigint + ${last} + 1, now(), 'bench'
       from generate_series(0, $2::int - 1) as k`,
      [repository, tags, head],
    );
    await client.query('insert into repositories (name, created_at) values ($1, now())', [repository]);
    await client.query('update log_head set position = $1 where id = 1', [head + count]);
    await client.query('commit');
  } catch (error) {
    await client.query('rollback');
    throw error;
  } finally {
    client.release();
  }
}
