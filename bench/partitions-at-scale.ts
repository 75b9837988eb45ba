import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { settle } from './bulk-load-log';
import { runHttp } from './driver/http-load';
import type { HttpLoad } from './driver/load-spec';
import { loadAverage } from './machine';
import { microsPerOp } from './measurement';
import { startService } from './service-process';
import { historyPages, tagRequests } from './workloads/tag-requests';

/*
 * Issue 13's "moves and lookups at 10^7 events, partitioned against
 * unpartitioned", on a log the log-size curve left (`npm run bench --
 * --only=log-size --sizes=...,1e7 --keep`): its positions 1..10^7 are one
 * partition (migration 0011's default size). Lookups, history pages and moves
 * at 32 clients on it; then the same rows are repartitioned in place into
 * partitions of PARTITION_SIZE (default 10^6: ten) and measured again, and
 * back into one and measured a third time (the machine's drift meanwhile).
 *   node dist/bench/partitions-at-scale.js <database url> [seconds per run, default 10]
 */
const CLIENTS = 32;
const WARMUP_SECONDS = 3;
/** Positions 1..WHOLE are what is repartitioned: the first partition of migration 0011's default size. */
const WHOLE = 10_000_000;

async function main(url: string, seconds: number): Promise<void> {
  const started = new Date();
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  const head = Number((await pool.query('select position from log_head')).rows[0].position);
  const { rows: chunks } = await pool.query<{ name: string }>(`select name from repositories where name like 'scale/c%' order by name`);
  const repositories = chunks.map((r) => r.name);
  const runs: Record<string, unknown>[] = [];
  const measureAll = async (label: string) => {
    const service = await startService(url, { readyTimeoutMs: 120_000 });
    try {
      const loads: [string, HttpLoad['requests'], number[]][] = [
        ['lookups', tagRequests('lookupRequests', { repository: 'bench/log-size', tags: 1_000 }), [200]],
        ['history pages of 10', historyPages({ repositories, tags: 10_000 }), [200]],
        ['moves', tagRequests('moveRequests', { repository: 'bench/log-size', tags: 1_000 }), [200, 201]],
      ];
      for (const [load, requests, expect] of loads) {
        const spec: HttpLoad = { kind: 'http', url: service.url, requests, expect, connections: CLIENTS, seconds, warmupSeconds: WARMUP_SECONDS };
        await runHttp(spec, WARMUP_SECONDS);
        const before = loadAverage();
        const m = await runHttp(spec, seconds);
        const run = { label, load, events: head, ...m, microsPerOp: microsPerOp(m), loadAverageBefore: before, loadAverageAfter: loadAverage() };
        runs.push(run);
        console.log(JSON.stringify(run));
      }
    } finally {
      await service.stop();
    }
  };

  // One, ten, one again: the second run of one partition shows how much the machine drifted meanwhile.
  const size = Number(process.env.PARTITION_SIZE ?? 1_000_000);
  const repartitioned: { size: number; seconds: number; loadAverage: string }[] = [];
  for (const [i, partitionSize] of [WHOLE, size, WHOLE].entries()) {
    if (i > 0) {
      const t0 = Date.now();
      await repartition(pool, partitionSize);
      await settle(pool);
      repartitioned.push({ size: partitionSize, seconds: (Date.now() - t0) / 1000, loadAverage: loadAverage() });
      console.log(JSON.stringify(repartitioned.at(-1)));
    }
    const count = WHOLE / partitionSize;
    await measureAll(
      `${head} events, positions 1..10^7 in ${count === 1 ? 'one partition' : `${count} partitions of ${partitionSize}`}${i === 2 ? ' (again)' : ''}`,
    );
  }

  const out = resolve(__dirname, '..', '..', 'bench', 'results');
  mkdirSync(out, { recursive: true });
  const summary = { started: started.toISOString(), secondsPerRun: seconds, clients: CLIENTS, head, repartitioned, runs, loadAverage: loadAverage() };
  writeFileSync(join(out, `partitions-${started.toISOString().replace(/[:.]/g, '-')}.json`), `${JSON.stringify(summary, null, 2)}\n`);
  await pool.end();
}

/**
 * Cuts positions 1..WHOLE into partitions of `size`, whatever partitions hold
 * them now, in one transaction with the log locked: the old partitions are
 * detached (keeping their indexes), each new one is filled with one `insert
 * ... select` per old one while it is a plain table without indexes, then
 * attached, which builds its indexes in bulk (much cheaper than 10^7 index
 * insertions); the old ones are dropped.
 */
async function repartition(pool: pg.Pool, size: number): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    await client.query(`set local statement_timeout = 0`);
    await client.query(`set local maintenance_work_mem = '512MB'`);
    await client.query('lock table log_head, events in access exclusive mode');
    const { rows } = await client.query<{ name: string; bound: string }>(
      `select c.relname as name, pg_get_expr(c.relpartbound, c.oid) as bound from pg_inherits i join pg_class c on c.oid = i.inhrelid
       where i.inhparent = 'events'::regclass`,
    );
    const old = rows.map((r) => ({ name: r.name, first: Number(/FROM \('?(\d+)'?\)/.exec(r.bound)![1]) })).filter((p) => p.first <= WHOLE);
    for (const p of old) {
      await client.query(`alter table events detach partition ${p.name}`);
      await client.query(`alter table ${p.name} rename to old_${p.name}`);
    }
    for (let first = 1; first <= WHOLE; first += size) {
      const name = `events_from_${first}`;
      await client.query(`create table ${name} (like events including defaults including constraints)`);
      for (const p of old) {
        await client.query(`insert into ${name} select * from old_${p.name} where position >= $1 and position < $2 order by position`, [first, first + size]);
      }
      await client.query(`alter table events attach partition ${name} for values from (${first}) to (${first + size})`);
    }
    for (const p of old) await client.query(`drop table old_${p.name}`);
    await client.query('commit');
  } catch (error) {
    await client.query('rollback');
    throw error;
  } finally {
    client.release();
  }
}

main(process.argv[2]!, Number(process.argv[3] ?? 10)).catch((error) => {
  console.error(error);
  process.exit(1);
});
