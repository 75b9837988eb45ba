import { createHash, randomBytes } from 'node:crypto';
import pg from 'pg';
import { type Measurement, quantile } from '../measurement';
import type { RawStatement } from './load-spec';

/**
 * The baselines, on tables shaped like the service's own (`like ... including
 * all`, so the same columns and indexes): `raw_events` is `events`, `raw_tags`
 * is `tags`. Each call of the service is compared with the database doing the
 * nearest plain equivalent at the same concurrency.
 */
export async function prepareRawTables(pool: pg.Pool): Promise<void> {
  await pool.query(`create table if not exists raw_events (like events including all)`);
  await pool.query(`create sequence if not exists raw_events_position owned by raw_events.position`);
  await pool.query(`alter table raw_events alter column position set default nextval('raw_events_position')`);
  await pool.query(`create table if not exists raw_tags (like tags including all)`);
}

/** Copies the current `tags` rows, so that the select baseline reads what the lookup workload reads. */
export async function copyTagsToRaw(pool: pg.Pool): Promise<void> {
  await pool.query(`insert into raw_tags select * from tags on conflict do nothing`);
}

/** As long as the compact JWS the service stores per event (~600 bytes); not a signature. */
export const EVENT_SIZED_JWS = `eyJhbGciOiJFZERTQSIsImtpZCI6I${'x'.repeat(40)}.${randomBytes(330).toString('base64url')}.${randomBytes(64).toString('base64url')}`;
const hash = (seed: string) => `sha256:${createHash('sha256').update(seed).digest('hex')}`;
const target = (seed: string) => ({ mediaType: 'application/vnd.oci.image.manifest.v1+json', size: 1234, digest: hash(seed) });

/** The select of a history page, as TagEventsHandler sends it: $1 stream, $2 the version below which the page starts, $3 its size plus one. */
export const HISTORY_PAGE_SQL =
  'select version, position, type, data, actor, recorded_at, jws from events where stream_id = $1 and version < $2 order by version desc limit $3';

/** The tag with the longest history of the history workload (bench/history-<moves>:t0). */
export async function longestHistory(db: { query: pg.Pool['query'] }): Promise<{ stream: string; version: number }> {
  const { rows } = await db.query<{ stream_id: string; version: number }>(
    `select stream_id, version from streams where stream_id like 'bench/history-%' order by version desc limit 1`,
  );
  if (rows.length === 0) throw new Error('history pages: no bench/history-* tag is loaded (the history workload loads it)');
  return { stream: rows[0]!.stream_id, version: Number(rows[0]!.version) };
}

/** One client's loop body: one statement, one transaction. */
export function rawOperation(
  statement: RawStatement,
  client: pg.Client,
  clientIndex: number,
  keys: string[][],
  history = { stream: '', version: 0 },
): () => Promise<void> {
  switch (statement) {
    case 'insert-event': {
      const stream = `raw/${randomBytes(4).toString('hex')}/c${clientIndex}:t`;
      let version = 0;
      return async () => {
        version++;
        const data = { repository: stream.slice(0, -2), tag: 't', from: target(`${version - 1}`), target: target(`${version}`) };
        await client.query(
          'insert into raw_events (stream_id, version, type, data, actor, recorded_at, jws, hash, prev_hash) values ($1, $2, $3, $4, $5, $6, $7, $8, $9)',
          [
            stream,
            version,
            'TagMoved',
            JSON.stringify(data),
            'anonymous',
            new Date(),
            EVENT_SIZED_JWS,
            hash(`${stream}${version}`),
            hash(`${stream}${version - 1}`),
          ],
        );
      };
    }
    case 'insert-100-events': {
      // A batch of 100 moves: one statement, one transaction, 100 event-sized rows.
      const stream = `raw/${randomBytes(4).toString('hex')}/c${clientIndex}:t`;
      let batch = 0;
      return async () => {
        batch++;
        const rows = Array.from({ length: 100 }, (_, i) => {
          const seed = `${batch}-${i}`;
          return {
            stream: `${stream}${i}`,
            data: JSON.stringify({ repository: stream.slice(0, -2), tag: `t${i}`, from: target(`${seed}-`), target: target(seed) }),
            hash: hash(seed),
          };
        });
        await client.query(
          `insert into raw_events (stream_id, version, type, data, actor, recorded_at, jws, hash, prev_hash)
           select s, $2, 'TagMoved', d::jsonb, 'anonymous', now(), $3, h, h from unnest($1::text[], $4::text[], $5::text[]) as r(s, d, h)`,
          [rows.map((r) => r.stream), batch, EVENT_SIZED_JWS, rows.map((r) => r.data), rows.map((r) => r.hash)],
        );
      };
    }
    case 'select-tag':
      return async () => {
        const [repository, tag] = keys[Math.floor(Math.random() * keys.length)]!;
        const { rowCount } = await client.query('select * from raw_tags where repository = $1 and tag = $2', [repository, tag]);
        if (rowCount !== 1) throw new Error(`raw_tags has no row for ${repository}:${tag}`);
      };
    case 'history-page-10':
    case 'history-page-100': {
      const n = statement === 'history-page-10' ? 10 : 100;
      const low = Math.min(n + 1, history.version + 1);
      return async () => {
        const last = low + Math.floor(Math.random() * (history.version + 2 - low));
        await client.query({ name: statement, text: HISTORY_PAGE_SQL, values: [history.stream, last, n + 1] });
      };
    }
    default: {
      const unknown: never = statement;
      throw new Error(`unknown raw statement ${String(unknown)}`);
    }
  }
}

/** `connections` clients, each running its operation back to back for `seconds`. */
export async function runRaw(url: string, statement: RawStatement, connections: number, seconds: number): Promise<Measurement> {
  const clients = await Promise.all(
    Array.from({ length: connections }, async () => {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      return client;
    }),
  );
  try {
    const keys = statement === 'select-tag' ? (await clients[0]!.query('select repository, tag from raw_tags')).rows.map((r) => [r.repository, r.tag]) : [];
    const history = statement.startsWith('history-page') ? await longestHistory(clients[0]!) : undefined;
    const latencies: number[] = [];
    let errors = 0;
    const start = performance.now();
    const end = start + seconds * 1000;
    await Promise.all(
      clients.map(async (client, i) => {
        const operation = rawOperation(statement, client, i, keys, history);
        while (performance.now() < end) {
          const t0 = performance.now();
          try {
            await operation();
            latencies.push(performance.now() - t0);
          } catch {
            errors++;
          }
        }
      }),
    );
    const elapsed = (performance.now() - start) / 1000;
    latencies.sort((a, b) => a - b);
    return {
      ops: latencies.length,
      seconds: elapsed,
      opsPerSec: latencies.length / elapsed,
      p50Ms: quantile(latencies, 0.5),
      p99Ms: quantile(latencies, 0.99),
      errors,
    };
  } finally {
    await Promise.all(clients.map((c) => c.end()));
  }
}
