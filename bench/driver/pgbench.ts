import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import { type Measurement, quantile } from '../measurement';
import type { RawStatement } from './load-spec';
import { EVENT_SIZED_JWS, HISTORY_PAGE_SQL, longestHistory } from './raw-postgres';

/** `-M prepared` (parse once per connection) is the baseline; `-M simple` (the SQL text every time) is reported beside it. */
export type PgbenchMode = 'prepared' | 'simple';

export interface PgbenchRun {
  url: string;
  statement: RawStatement;
  clients: number;
  /** `-T`: the run's length, connecting included (about 0.5 s for 32 clients here, more on a busy machine). */
  seconds: number;
  /** `-t` instead of `-T`, for checks rather than measurements: a short `-T` can pass before all clients have connected. */
  transactionsPerClient?: number;
  mode: PgbenchMode;
  /** An unmeasured run first (whole seconds: `-T` takes no fractions); 0 for none. */
  warmupSeconds: number;
}

/**
 * The raw baselines as the project measures them: `pgbench`, Postgres's own C
 * client, one connection per client, `-T` seconds of back-to-back transactions
 * of one statement each. Latencies come from its per-transaction log (`-l`).
 */
export async function runPgbench(pool: pg.Pool, run: PgbenchRun): Promise<Measurement> {
  const dir = mkdtempSync(join(tmpdir(), 'tag-history-pgbench-'));
  try {
    const script = join(dir, `${run.statement}.sql`);
    writeFileSync(script, await pgbenchScript(pool, run.statement));
    const args = (seconds: number) => [
      '-n',
      ...['-c', String(run.clients), '-j', String(Math.min(run.clients, 2)), '-f', script, '-M', run.mode],
      ...(run.transactionsPerClient ? ['-t', String(run.transactionsPerClient)] : ['-T', String(seconds)]),
      // Per-client counters (pgbench variables live as long as the client) and a run id: every inserted row is new.
      ...['-D', 'n=0', '-D', `run=${randomInt(1, 2 ** 31 - 1)}`],
    ];
    if (run.warmupSeconds > 0) await pgbench([...args(Math.round(run.warmupSeconds)), run.url]);
    const out = await pgbench([...args(run.seconds), '-l', `--log-prefix=${join(dir, 'log')}`, run.url]);
    return measurement(out, latenciesMs(dir));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

interface PgbenchOutput {
  code: number;
  stdout: string;
  stderr: string;
}

function pgbench(args: string[]): Promise<PgbenchOutput> {
  return new Promise((resolve, reject) => {
    const child = spawn('pgbench', args, { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.once('error', (error) =>
      reject(new Error(`pgbench could not start (it comes with PostgreSQL: Debian's postgresql-<version> or postgresql-client-<version>): ${error.message}`)),
    );
    child.once('exit', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

/** Each line of a `-l` log: client_id transaction_no time script_no time_epoch time_us; `time` is the latency in µs, or `failed`. */
function latenciesMs(dir: string): number[] {
  const latencies: number[] = [];
  for (const file of readdirSync(dir).filter((f) => f.startsWith('log.'))) {
    for (const line of readFileSync(join(dir, file), 'utf8').split('\n')) {
      const micros = Number(line.split(' ')[2]);
      if (line !== '' && Number.isFinite(micros)) latencies.push(micros / 1000);
    }
  }
  return latencies.sort((a, b) => a - b);
}

function measurement(out: PgbenchOutput, latencies: number[]): Measurement {
  const field = (pattern: RegExp) => Number(pattern.exec(out.stdout)?.[1] ?? 0);
  const ops = field(/number of transactions actually processed: (\d+)/);
  const tps = field(/tps = ([\d.]+) \(without initial connection time\)/);
  const failed = field(/number of failed transactions: (\d+)/);
  // An error in a statement aborts that client (exit 2); its message is on stderr.
  const aborted = (out.stderr.match(/aborted in command/g) ?? []).length;
  if (out.code !== 0 && aborted === 0) throw new Error(`pgbench exited with ${out.code}:\n${out.stderr}${out.stdout}`);
  if (aborted > 0 || ops === 0) console.error(`pgbench: ${ops} transactions, ${aborted} clients aborted:\n${out.stderr.split('\n').slice(0, 6).join('\n')}`);
  return {
    ops,
    seconds: tps === 0 ? 0 : ops / tps,
    opsPerSec: tps,
    p50Ms: quantile(latencies, 0.5),
    p99Ms: quantile(latencies, 0.99),
    errors: failed + aborted + (ops === 0 ? 1 : 0),
  };
}

const digest = (n: string) => `'sha256:' || lpad(to_hex(${n}), 64, '0')`;
// pgbench replaces `:name` everywhere, inside string literals too: no colon in the SQL below is followed by a letter or digit
// unless it is a variable (or a `::` cast).
const stream = (suffix = '') => `'raw/pgbench-' || :run::bigint || '/c' || :client_id::int || ':' || 't'${suffix}`;
const eventData = (from: string, to: string) =>
  `('{"repository": "raw/pgbench", "tag": "t", ` +
  `"from": {"mediaType": "application/vnd.oci.image.manifest.v1+json", "size": 1234, "digest": "' || ${digest(from)} || '"}, ` +
  `"target": {"mediaType": "application/vnd.oci.image.manifest.v1+json", "size": 1234, "digest": "' || ${digest(to)} || '"}}')::jsonb`;
const COLUMNS = 'raw_events (stream_id, version, type, data, actor, recorded_at, jws, hash, prev_hash)';

/**
 * The script of one transaction. Rows are shaped like the node-pg baselines'
 * (raw-postgres.ts) and the service's events: the same ~600-byte JWS, the
 * event's JSON data with two digests, two hashes; each client appends to
 * streams of its own (`:client_id`) with a counter for the version.
 */
export async function pgbenchScript(pool: pg.Pool, statement: RawStatement): Promise<string> {
  switch (statement) {
    case 'insert-event':
      return [
        '\\set n :n + 1',
        '\\set r random(1, 2000000000)',
        `insert into ${COLUMNS} values (${stream()}, :n::int, 'TagMoved', ${eventData(':r::bigint - 1', ':r::bigint')}, ` +
          `'anonymous', now(), '${EVENT_SIZED_JWS}', ${digest(':r::bigint')}, ${digest(':r::bigint - 1')});`,
      ].join('\n');
    case 'insert-100-events':
      // A batch of 100 moves: one statement, 100 event-sized rows, streams t0..t99 of this client, version n.
      return [
        '\\set n :n + 1',
        '\\set r random(1, 2000000000)',
        `insert into ${COLUMNS} select ${stream(' || i')}, :n::int, 'TagMoved', ${eventData(':r::bigint + i - 1', ':r::bigint + i')}, ` +
          `'anonymous', now(), '${EVENT_SIZED_JWS}', ${digest(':r::bigint + i')}, ${digest(':r::bigint + i - 1')} from generate_series(0, 99) as i;`,
      ].join('\n');
    case 'select-tag':
      return selectTagScript(pool);
    case 'history-page-10':
    case 'history-page-100':
      return historyPageScript(pool, statement === 'history-page-10' ? 10 : 100);
  }
}

/**
 * What a history page reads (TagEventsHandler): the columns of `n + 1` events
 * of the longest history by the (stream_id, version) index, backwards from a
 * random version, as `GET .../history?n=<n>&last=<random>` does.
 */
async function historyPageScript(pool: pg.Pool, n: number): Promise<string> {
  const { stream, version } = await longestHistory(pool);
  // The stream id holds a colon, which pgbench would take for a variable: chr(58) builds it.
  const [repository, tag] = stream.split(':');
  return [
    `\\set last random(${Math.min(n + 1, version + 1)}, ${version + 1})`,
    `${HISTORY_PAGE_SQL.replace('$1', `'${repository}' || chr(58) || '${tag}'`)
      .replace('$2', ':last')
      .replace('$3', String(n + 1))};`,
  ].join('\n');
}

/**
 * A primary-key select of a random row of `raw_tags`. pgbench has no string
 * variables, so the script picks a number below the row count and branches on
 * it to the repository's literal; every repository's tags are t0..t<n-1>.
 */
async function selectTagScript(pool: pg.Pool): Promise<string> {
  const { rows } = await pool.query<{ repository: string; n: string; dense: boolean }>(
    `select repository, count(*) as n, bool_and(case when tag ~ '^t[0-9]{1,9}$' then substr(tag, 2)::int < r.total else false end) as dense
     from raw_tags join (select repository, count(*) as total from raw_tags group by repository) r using (repository)
     group by repository order by repository`,
  );
  const repositories = rows.filter((r) => r.dense);
  if (repositories.length === 0) throw new Error('select-tag: raw_tags has no repository with tags t0..t<n-1> (copyTagsToRaw first)');
  const lines = [`\\set k random(0, ${repositories.reduce((n, r) => n + Number(r.n), 0) - 1})`];
  let first = 0;
  repositories.forEach((r, i) => {
    const last = first + Number(r.n);
    lines.push(
      `${i === 0 ? '\\if' : '\\elif'} :k < ${last}`,
      `select * from raw_tags where repository = '${r.repository.replaceAll("'", "''")}' and tag = 't' || (:k::int - ${first})::text;`,
    );
    first = last;
  });
  lines.push('\\endif');
  return lines.join('\n');
}
