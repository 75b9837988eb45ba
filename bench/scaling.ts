import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import 'reflect-metadata';
import autocannon from 'autocannon';
import pg from 'pg';
import { connect, migrate, type StorageConfig } from '@tag-history/database';
import { createApp } from '../apps/api/src/create-app';
import { openInfrastructure } from '../apps/api/src/infrastructure/open-infrastructure';
import { loadTransparencyConfig } from '@tag-history/config';
import { startPgBouncer } from '../test/support/private-pgbouncer';
import { type PrivatePostgres, startPrivatePostgres } from '../test/support/private-postgres';
import { loadRepository } from './bulk-load-log';
import { loadAverage } from './machine';
import { quantile } from './measurement';

/*
 * Issue 13's figures, on clusters of its own (a primary, its streaming
 * replica, a PgBouncer in transaction mode, all in temporary folders):
 *   1. what history reads at 32 clients cost the primary with a replica against without one
 *      (statements from pg_stat_statements, CPU of the primary's processes from /proc);
 *   2. the replication delay (pg_stat_replication.replay_lag) under the moves load;
 *   3. moves through PgBouncer against direct;
 *   4. lookups, history reads and moves on a log in ten partitions against the same log in one.
 * One machine: a replica adds no CPU here, so what counts is what it takes off the primary.
 *   node dist/bench/scaling.js [seconds per run, default 15]
 */
const SECONDS = Number(process.argv[2] ?? 15);
const CLIENTS = 32;
const TAGS = 100;

interface Run {
  label: string;
  load: string;
  ops: number;
  opsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  primaryStatements: number;
  primaryExecMs: number;
  primaryCpuMs: number;
  loadAverage: string;
}

async function main(): Promise<void> {
  const started = new Date();
  const primary = await startPrivatePostgres({
    settings: ['max_connections=200', 'shared_preload_libraries=pg_stat_statements', 'pg_stat_statements.track=all'],
  });
  const replica = await startPrivatePostgres({ replicaOf: primary, settings: ['max_connections=200'] });
  const bouncer = await startPgBouncer(primary.port, 16);
  const keyDir = mkdtempSync(join(tmpdir(), 'tag-history-scaling-'));
  const admin = new pg.Pool({ connectionString: primary.url, max: 2 });
  const closers: (() => Promise<void>)[] = [];
  try {
    await admin.query('create extension pg_stat_statements');
    const service = async (storage: StorageConfig) => {
      const infrastructure = await openInfrastructure({
        storage,
        signingKey: { kind: 'file', path: join(keyDir, 'key.jwk'), generateIfMissing: true },
        transparency: loadTransparencyConfig({}, keyDir),
      });
      const app = await createApp(infrastructure, { logger: false });
      await app.listen(0, '127.0.0.1');
      closers.push(async () => {
        await app.close();
        await infrastructure.db.destroy();
      });
      return `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
    };
    const direct = await service({ kind: 'postgres', url: primary.url, poolSize: 16 });
    const replicated = await service({ kind: 'postgres', url: primary.url, poolSize: 16, readUrls: [replica.url] });
    const pooled = await service({ kind: 'postgres', url: bouncer.url, listenUrl: primary.url, poolSize: 32 });

    // 100 tags of 1,000 versions each, loaded with SQL; then the replica catches up.
    await loadRepository(admin, { repository: 'bench/history', tags: TAGS, events: 100_000 });
    await admin.query('vacuum analyze');
    await caughtUp(admin, replica);

    const runs: Run[] = [];
    const measure = async (label: string, load: string, url: string, requests: autocannon.Request[]) => {
      await caughtUp(admin, replica);
      await admin.query('select pg_stat_statements_reset()');
      const cpu = primaryCpuMs(primary);
      const m = url ? await drive(url, requests) : await sleep(SECONDS * 1_000).then(() => ({ ops: 0, opsPerSec: 0, p50Ms: 0, p99Ms: 0, errors: 0 }));
      const { rows } = await admin.query<{ calls: string; ms: string }>(
        `select coalesce(sum(calls), 0) as calls, coalesce(sum(total_exec_time), 0) as ms from pg_stat_statements
         where query not ilike '%pg_stat_statements%' and query not ilike '%pg_stat_replication%' and query not ilike '%log_head h%'`,
      );
      const run = {
        label,
        load,
        ...m,
        primaryStatements: Number(rows[0]!.calls),
        primaryExecMs: Number(rows[0]!.ms),
        primaryCpuMs: primaryCpuMs(primary) - cpu,
        loadAverage: loadAverage(),
      };
      runs.push(run);
      console.log(JSON.stringify(run));
      return run;
    };

    // What the three services' background work (the transparency integrator, timestamps, the partition keeper) costs
    // the primary in a run's time with no requests: subtracted from every run, so a run counts what its requests cost.
    const idle = await measure('idle (background work of the three services)', 'none', '', []);

    const history = [
      { method: 'GET' as const, setupRequest: (r: autocannon.Request) => ({ ...r, path: `/v2/bench/history/_tags/t${pick(TAGS)}/history?n=10` }) },
    ];
    const withoutReplica = await measure('history reads, no replica', 'history', direct, history);
    const withReplica = await measure('history reads, with a replica', 'history', replicated, history);

    const moves = (repository: string) => [
      {
        method: 'PUT' as const,
        headers: { 'content-type': 'application/json' },
        setupRequest: (r: autocannon.Request) => {
          const tag = `t${pick(1_000)}`;
          const digest = `sha256:${randomBytes(32).toString('hex')}`;
          return {
            ...r,
            path: `/v2/${repository}/_tags/${tag}`,
            body: JSON.stringify({ name: repository, tag, target: { mediaType: 'application/vnd.oci.image.manifest.v1+json', size: 1234, digest } }),
          };
        },
      },
    ];
    const lags: number[] = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const { rows } = await admin.query<{ lag: number | null }>('select extract(epoch from replay_lag) * 1000 as lag from pg_stat_replication');
        if (rows[0]) lags.push(Number(rows[0].lag ?? 0));
        await sleep(50);
      }
    })();
    const movesReplicated = await measure('moves, with a replica streaming', 'moves', replicated, moves('bench/moves-r'));
    sampling = false;
    await sampler;
    lags.sort((a, b) => a - b);
    const movesDirect = await measure('moves, direct', 'moves', direct, moves('bench/moves-d'));
    const movesPooled = await measure('moves, through PgBouncer (transaction mode)', 'moves', pooled, moves('bench/moves-p'));

    // 4. The same log in one partition and in ten: a database of each on the primary, PARTITION_EVENTS events.
    const partitionEvents = Number(process.env.PARTITION_EVENTS ?? 200_000);
    const logs: Record<string, Run[]> = {};
    for (const partitioned of [false, true]) {
      const name = partitioned ? 'bench_partitioned' : 'bench_unpartitioned';
      await admin.query(`create database ${name}`);
      const url = primary.url.replace(/\/postgres$/, `/${name}`);
      const pool = new pg.Pool({ connectionString: url, max: 2 });
      const connection = connect({ kind: 'postgres', url, poolSize: 1 });
      // The service migrates to 0011 when it opens: the "unpartitioned" log is one partition of ten million positions.
      await migrate(connection.db);
      if (partitioned) {
        await pool.query('alter table events detach partition events_from_1');
        await pool.query('drop table events_from_1');
        await pool.query('update log_partitioning set size = $1, until = 1', [partitionEvents / 10]);
      }
      await connection.db.destroy();
      await loadRepository(pool, { repository: 'bench/log', tags: 1_000, events: partitionEvents });
      await pool.query('vacuum analyze');
      await pool.end();
      const target = await service({ kind: 'postgres', url, poolSize: 16 });
      const lookups = [{ method: 'GET' as const, setupRequest: (r: autocannon.Request) => ({ ...r, path: `/v2/bench/log/_tags/t${pick(1_000)}` }) }];
      const tagHistory = [
        { method: 'GET' as const, setupRequest: (r: autocannon.Request) => ({ ...r, path: `/v2/bench/log/_tags/t${pick(1_000)}/history?n=10` }) },
      ];
      const label = partitioned ? `in 10 partitions of ${partitionEvents / 10}` : 'in one partition';
      logs[label] = [
        await measure(`lookups, ${partitionEvents} events ${label}`, 'lookups', target, lookups),
        await measure(`history reads, ${partitionEvents} events ${label}`, 'history', target, tagHistory),
        await measure(`moves, ${partitionEvents} events ${label}`, 'moves', target, moves('bench/log')),
      ];
    }

    const perOp = (r: Run, k: 'primaryStatements' | 'primaryCpuMs' | 'primaryExecMs') => Math.max(0, r[k] - idle[k]) / Math.max(1, r.ops);
    const summary = {
      started: started.toISOString(),
      secondsPerRun: SECONDS,
      clients: CLIENTS,
      runs,
      /** Per history read, what the primary spent with a replica over what it spent without one (idle work subtracted). */
      historyReadsPrimaryShare: {
        statements: perOp(withReplica, 'primaryStatements') / perOp(withoutReplica, 'primaryStatements'),
        cpu: perOp(withReplica, 'primaryCpuMs') / perOp(withoutReplica, 'primaryCpuMs'),
        execTime: perOp(withReplica, 'primaryExecMs') / perOp(withoutReplica, 'primaryExecMs'),
      },
      replicationDelayMs: {
        samples: lags.length,
        p50: quantile(lags, 0.5),
        p99: quantile(lags, 0.99),
        max: lags[lags.length - 1] ?? 0,
        during: movesReplicated.label,
      },
      pgbouncerMoves: {
        opsPerSecRatio: movesPooled.opsPerSec / movesDirect.opsPerSec,
        p50Ratio: movesPooled.p50Ms / movesDirect.p50Ms,
        p99Ratio: movesPooled.p99Ms / movesDirect.p99Ms,
      },
      /** The log in ten partitions over the same log in one. */
      tenPartitionsOverOne: Object.fromEntries(
        ['lookups', 'history', 'moves'].map((load, i) => {
          const [unpartitioned, partitioned] = Object.values(logs).map((runs) => runs[i]!);
          return [
            load,
            {
              opsPerSecRatio: partitioned!.opsPerSec / unpartitioned!.opsPerSec,
              p50Ratio: partitioned!.p50Ms / unpartitioned!.p50Ms,
              p99Ratio: partitioned!.p99Ms / unpartitioned!.p99Ms,
            },
          ];
        }),
      ),
      loadAverage: loadAverage(),
    };
    console.log(JSON.stringify(summary, null, 2));
    const out = resolve(__dirname, '..', '..', 'bench', 'results');
    mkdirSync(out, { recursive: true });
    writeFileSync(join(out, `scaling-${started.toISOString().replace(/[:.]/g, '-')}.json`), `${JSON.stringify(summary, null, 2)}\n`);
  } finally {
    for (const close of closers) await close().catch(() => undefined);
    await admin.end();
    await bouncer.stop();
    replica.destroy();
    primary.destroy();
    rmSync(keyDir, { recursive: true, force: true });
  }
}

const pick = (n: number) => Math.floor(Math.random() * n);

async function drive(url: string, requests: autocannon.Request[]) {
  const latencies: number[] = [];
  const instance = autocannon({ url, connections: CLIENTS, duration: SECONDS, requests });
  instance.on('response', (_c, _s, _b, ms) => latencies.push(ms));
  const result = await instance;
  latencies.sort((a, b) => a - b);
  const ok = Object.entries(result.statusCodeStats ?? {}).reduce((sum, [code, { count }]) => (code.startsWith('2') ? sum + Number(count) : sum), 0);
  return {
    ops: ok,
    opsPerSec: ok / result.duration,
    p50Ms: quantile(latencies, 0.5),
    p99Ms: quantile(latencies, 0.99),
    errors: result.errors + result.timeouts + result.non2xx,
  };
}

/** Waits until the replica shows the primary's log head. */
async function caughtUp(admin: pg.Pool, replica: PrivatePostgres): Promise<void> {
  const head = Number((await admin.query('select position from log_head h')).rows[0].position);
  const client = new pg.Client(replica.url);
  await client.connect();
  try {
    while (Number((await client.query('select position from log_head')).rows[0].position) < head) await sleep(20);
  } finally {
    await client.end();
  }
}

/** CPU time of the primary's processes (its postmaster, live backends and walsender, and those that exited), from /proc. */
function primaryCpuMs(cluster: PrivatePostgres): number {
  const postmaster = readFileSync(join(cluster.dir, 'data', 'postmaster.pid'), 'utf8')
    .split('\n')[0]!
    .trim();
  const children = execFileSync('ps', ['-o', 'pid=', '--ppid', postmaster])
    .toString()
    .split('\n')
    .map((s) => s.trim())
    .filter(Boolean);
  const ticks = (pid: string, withChildren: boolean) => {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      // utime, stime (fields 14, 15), cutime, cstime (16, 17); fields[0] here is field 3.
      const own = Number(fields[11]) + Number(fields[12]);
      return withChildren ? own + Number(fields[13]) + Number(fields[14]) : own;
    } catch {
      return 0; // exited meanwhile: counted in the postmaster's cutime from now on
    }
  };
  return (ticks(postmaster, true) + children.reduce((sum, pid) => sum + ticks(pid, false), 0)) * 10;
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
