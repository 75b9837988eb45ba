import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import type pg from 'pg';
import type { FeedFollower, RawStatement, RequestFactoryRef } from './driver/load-spec';
import { type PgbenchMode, runPgbench } from './driver/pgbench';
import { startBareHttp } from './driver/bare-http';
import { startRoundTripProxy } from './driver/round-trip-proxy';
import { runLoad } from './driver/run-load';
import { combine, type Measurement } from './measurement';
import type { BenchOptions } from './options';
import { summarizeProfile } from './report/cpu-profile';
import type { BenchResults, ResultRow } from './results';
import { type ServiceProcess, startService } from './service-process';

export interface Comparison {
  workload: string;
  case: string;
  clients: number;
  requests: RequestFactoryRef;
  /** Statuses that count as success. */
  expect: number[];
  /** A raw Postgres statement (pgbench, with node-pg beside it), or other service requests (e.g. the same read on a short history). */
  baseline: RawStatement | HttpBaseline;
  /** Minimum service/baseline throughput ratio the issue asks for. */
  target?: number;
  /** Maximum service/baseline p50 latency ratio the issue asks for. */
  p50Target?: number;
  /** The service's runs, instead of `--seconds` (a minimum for slow requests in a --quick run). */
  seconds?: number;
}

export interface HttpBaseline {
  name: string;
  requests: RequestFactoryRef;
  expect: number[];
}

export interface HttpOptions {
  /** Another process than the bench's own service (a profiled one, a bare HTTP server): where the load goes and whose CPU is counted. */
  service?: Pick<ServiceProcess, 'url' | 'cpuMicros'>;
  /** Instead of `--seconds`. */
  seconds?: number;
  /** Called when the warm-up is over and the measured run starts. */
  onMeasuring?: () => void;
  /** Requests per second offered by all clients together (open loop); as fast as answered when absent. */
  rate?: number;
}

/** What a workload gets: the running service, the database behind it, and ways to measure both. */
export class Bench {
  constructor(
    readonly options: BenchOptions,
    readonly service: ServiceProcess,
    readonly databaseUrl: string,
    /** A small pool on the service's database, for setup and bulk loading. */
    readonly pool: pg.Pool,
    readonly results: BenchResults,
    /** Where `--profile` writes the service's CPU profiles. */
    private readonly profileDir: string,
  ) {}

  /** HTTP load on the service from a driver process. */
  async http(requests: RequestFactoryRef, clients: number, expect: number[], options: HttpOptions = {}): Promise<Measurement> {
    const service = options.service ?? this.service;
    let cpuBefore = 0;
    let commitsBefore: Promise<number> | undefined;
    const spec = {
      kind: 'http',
      url: service.url,
      connections: clients,
      seconds: options.seconds ?? this.options.seconds,
      warmupSeconds: this.warmup(),
      requests,
      expect,
      rate: options.rate,
    } as const;
    const measurement = await runLoad(spec, () => {
      cpuBefore = service.cpuMicros();
      commitsBefore = this.commits();
      options.onMeasuring?.();
    });
    const cpu = service.cpuMicros() - cpuBefore;
    // The statistics reach pg_stat_database when a backend goes idle: give them a moment (not with --quick: it checks, not measures).
    if (!this.options.quick) await new Promise((r) => setTimeout(r, 1_100));
    const commits = (await this.commits()) - (await (commitsBefore ?? this.commits()));
    if (measurement.ops === 0) return measurement;
    return { ...measurement, serviceCpuMicrosPerOp: cpu / measurement.ops, commitsPerOp: commits / measurement.ops };
  }

  /**
   * The change feed's delay: writers in a driver process move tags of
   * `repository` while a follower reads the feed; each event's delay is from
   * its PUT's 2xx to its arrival at the follower (one clock: one process).
   */
  feed(follower: FeedFollower, repository: string, writers: number): Promise<Measurement> {
    return runLoad({
      kind: 'feed',
      url: this.service.url,
      follower,
      repository,
      connections: writers,
      seconds: this.options.seconds,
      warmupSeconds: this.warmup(),
    });
  }

  /** Another instance's write (on the bench's service) until `reader` shows it: see driver/visibility-delay.ts. */
  visibility(reader: ServiceProcess, repository: string, writers: number): Promise<Measurement> {
    return runLoad({
      kind: 'visibility',
      writeUrl: this.service.url,
      readUrl: reader.url,
      repository,
      connections: writers,
      seconds: this.options.seconds,
      warmupSeconds: this.warmup(),
    });
  }

  /** The raw Postgres baseline the ratios use: pgbench on the same database. */
  pgbench(statement: RawStatement, clients: number, mode: PgbenchMode = 'prepared'): Promise<Measurement> {
    // -T takes whole seconds; --quick checks rather than measures: no warm-up, and a count of transactions rather than a time.
    const quick = this.options.quick ? { warmupSeconds: 0, transactionsPerClient: 20 } : { warmupSeconds: Math.round(this.warmup()) };
    return runPgbench(this.pool, { url: this.databaseUrl, statement, clients, seconds: this.options.seconds, mode, ...quick });
  }

  /** The same statement from Node.js (`pg`, a driver process): what a Node client of Postgres gets, shown beside pgbench. */
  nodePg(statement: RawStatement, clients: number): Promise<Measurement> {
    return runLoad({ kind: 'pg', url: this.databaseUrl, connections: clients, seconds: this.options.seconds, warmupSeconds: this.warmup(), statement });
  }

  /**
   * Runs every load once per round, in turn, `rounds` times, and sums each
   * load's runs, so that all of them see the same machine: on a shared machine
   * only figures measured side by side mean much.
   */
  async rounds<K extends string>(runs: Record<K, () => Promise<Measurement>>): Promise<Record<K, Measurement>> {
    const measured = new Map<K, Measurement[]>();
    for (let round = 0; round < this.options.rounds; round++) {
      for (const [key, run] of Object.entries(runs) as [K, () => Promise<Measurement>][]) measured.set(key, [...(measured.get(key) ?? []), await run()]);
    }
    return Object.fromEntries([...measured].map(([key, ms]) => [key, combine(ms)])) as Record<K, Measurement>;
  }

  /**
   * The service against its baseline, alternating. A raw baseline is pgbench
   * `-M prepared` (the ratio's denominator) and node-pg, each round, then
   * pgbench `-M simple` once.
   */
  async compare(c: Comparison): Promise<ResultRow> {
    const baseline = c.baseline;
    const service = () => this.http(c.requests, c.clients, c.expect, { seconds: c.seconds });
    let row: ResultRow;
    if (typeof baseline === 'string') {
      const m = await this.rounds({ raw: () => this.pgbench(baseline, c.clients), rawNode: () => this.nodePg(baseline, c.clients), service });
      const rawSimple = await this.pgbench(baseline, c.clients, 'simple');
      row = compared({ ...c, baseline: `${baseline} (pgbench)`, service: m.service, raw: m.raw, rawNode: m.rawNode, rawSimple });
    } else {
      const m = await this.rounds({ raw: () => this.http(baseline.requests, c.clients, baseline.expect), service });
      row = compared({ ...c, baseline: baseline.name, service: m.service, raw: m.raw });
    }
    this.record(row);
    return row;
  }

  /**
   * What no Node.js service can beat on this machine: `row`'s load, with the
   * same driver and clients, on a bare node:http server answering every
   * request with the bytes the service answered for `samplePath`, beside the
   * same pgbench baseline. Recorded as its own row, named after `row`.
   */
  async ceiling(row: ResultRow, samplePath: string, requests: RequestFactoryRef, baseline: RawStatement): Promise<void> {
    const answer = await fetch(`${this.service.url}${samplePath}`);
    if (!answer.ok) throw new Error(`GET ${samplePath}: ${answer.status}`);
    const bare = await startBareHttp(answer);
    try {
      const m = await this.rounds({
        raw: () => this.pgbench(baseline, row.clients),
        bare: () => this.http(requests, row.clients, [answer.status], { service: bare }),
      });
      this.record(
        compared({
          workload: row.workload,
          case: `ceiling of ${row.case}: a bare node:http server answering the same bytes`,
          clients: row.clients,
          baseline: `${baseline} (pgbench)`,
          service: m.bare,
          raw: m.raw,
        }),
      );
    } finally {
      await bare.stop();
    }
  }

  /**
   * `--profile`: the same load on a second service process started with
   * `node --cpu-prof` on the same database and signing key, its profile summarised into the
   * results (the warm-up and the service's start cut out).
   */
  async profile(name: string, requests: RequestFactoryRef, clients: number, expect: number[]): Promise<void> {
    const dir = join(this.profileDir, new Date().toISOString().replace(/[:.]/g, '-'));
    const service = await startService(this.databaseUrl, { cpuProfDir: dir, dataDir: this.service.dataDir });
    const now = () => Number(process.hrtime.bigint() / 1000n);
    let from = now();
    let measurement: Measurement;
    try {
      measurement = await this.http(requests, clients, expect, { service, onMeasuring: () => (from = now()) });
    } finally {
      await service.stop();
    }
    const to = from + measurement.seconds * 1e6;
    // One file per thread: the main one and any worker's.
    const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
    if (files.length === 0) throw new Error(`the profiled service wrote no .cpuprofile into ${dir}`);
    const profiles = files.map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')));
    const summary = summarizeProfile(name, files.length === 1 ? join(dir, files[0]!) : dir, profiles, from, to);
    this.results.profiles.push({ ...summary, measurement });
    if (measurement.errors > 0) this.results.errors.push(`profile of ${name}: ${measurement.errors} failed operations`);
    console.log(`  profile of ${name}: ${measurement.opsPerSec.toFixed(0)} ops/s, busy ${(summary.busyShare * 100).toFixed(0)} %, ${summary.file}`);
  }

  /**
   * Round trips and statements per operation, counted on the wire: a second
   * service process, whose connections to Postgres go through a counting proxy
   * (driver/round-trip-proxy.ts), takes each load once (with the same signing
   * key: the log must still verify). Its throughput is not
   * reported (the proxy is one more hop); the counts go into the rows given.
   */
  async roundTrips(cases: { row: ResultRow; requests: RequestFactoryRef; expect: number[]; clients?: number }[]): Promise<void> {
    const database = new URL(this.databaseUrl);
    const proxy = await startRoundTripProxy(database.hostname || 'localhost', Number(database.port || 5432));
    const proxied = new URL(this.databaseUrl);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(proxy.port);
    const service = await startService(proxied.toString(), { dataDir: this.service.dataDir });
    try {
      for (const c of cases) {
        let before = proxy.counts();
        // At least 3 s: a --quick second may end before a slow batch answers, and the counts need a few operations.
        const seconds = Math.max(this.options.seconds, 3);
        const m = await this.http(c.requests, c.clients ?? c.row.clients, c.expect, { service, seconds, onMeasuring: () => (before = proxy.counts()) });
        const after = proxy.counts();
        if (m.ops === 0) continue;
        c.row.wire = { roundTripsPerOp: (after.roundTrips - before.roundTrips) / m.ops, statementsPerOp: (after.statements - before.statements) / m.ops };
        console.log(`  ${c.row.case}: ${c.row.wire.roundTripsPerOp.toFixed(2)} round trips, ${c.row.wire.statementsPerOp.toFixed(2)} statements per operation`);
      }
    } finally {
      await service.stop();
      await proxy.close();
    }
  }

  /** Adds a row, reporting as errors any failed request or statement it counted. */
  record(row: ResultRow): void {
    row.loadAverage ??= loadavg()[0]!.toFixed(2);
    this.results.rows.push(row);
    const failures = row.service.errors + (row.raw?.errors ?? 0) + (row.rawNode?.errors ?? 0) + (row.rawSimple?.errors ?? 0);
    if (row.service.ops === 0) this.results.errors.push(`${row.workload} / ${row.case}: the service answered nothing`);
    if (failures > 0) this.results.errors.push(`${row.workload} / ${row.case}: ${failures} failed operations ${JSON.stringify(row.service.statuses ?? {})}`);
    console.log(`  ${row.case}: ${summary(row)}`);
  }

  private async commits(): Promise<number> {
    const { rows } = await this.pool.query<{ n: string }>('select xact_commit as n from pg_stat_database where datname = current_database()');
    return Number(rows[0]!.n);
  }

  private warmup(): number {
    return this.options.quick ? 0.5 : 2;
  }
}

interface Compared {
  workload: string;
  case: string;
  clients: number;
  baseline: string;
  service: Measurement;
  raw: Measurement;
  rawNode?: Measurement;
  rawSimple?: Measurement;
  target?: number;
  p50Target?: number;
}

/** A row of the service against its baseline: throughput ratio, p50 ratio, and the issue's targets on them. */
export function compared({ target, p50Target, ...c }: Compared): ResultRow {
  const ratio = c.raw.opsPerSec === 0 ? 0 : c.service.opsPerSec / c.raw.opsPerSec;
  const p50Ratio = c.raw.p50Ms === 0 ? 0 : c.service.p50Ms / c.raw.p50Ms;
  const targets = [
    ...(target !== undefined ? [{ text: `≥ ${target.toFixed(1)}x`, met: ratio >= target }] : []),
    ...(p50Target !== undefined ? [{ text: `p50 ≤ ${p50Target.toFixed(0)}x`, met: p50Ratio > 0 && p50Ratio <= p50Target }] : []),
  ];
  return {
    ...c,
    ratio,
    p50Ratio,
    ...(targets.length > 0 ? { target: { text: targets.map((t) => t.text).join(', '), met: targets.every((t) => t.met) } } : {}),
  };
}

function summary(row: ResultRow): string {
  const s = row.service;
  const latency = (m: Measurement) => `p50 ${m.p50Ms.toFixed(2)} ms p99 ${m.p99Ms.toFixed(2)} ms`;
  const parts = [`service ${s.opsPerSec.toFixed(0)} ${row.unit ?? 'op'}s/s ${latency(s)}`];
  if (s.serviceCpuMicrosPerOp !== undefined) {
    parts.push(`${s.serviceCpuMicrosPerOp.toFixed(0)} µs CPU/op${s.commitsPerOp !== undefined ? `, ${s.commitsPerOp.toFixed(2)} commits/op` : ''}`);
  }
  if (row.raw) parts.push(`baseline ${row.baseline} ${row.raw.opsPerSec.toFixed(0)}/s ${latency(row.raw)}`);
  if (row.rawSimple) parts.push(`pgbench -M simple ${row.rawSimple.opsPerSec.toFixed(0)}/s`);
  if (row.rawNode) parts.push(`node-pg ${row.rawNode.opsPerSec.toFixed(0)}/s ${latency(row.rawNode)}`);
  if (row.ratio !== undefined) parts.push(`ratio ${row.ratio.toFixed(2)}x${row.p50Ratio !== undefined ? ` (p50 ${row.p50Ratio.toFixed(1)}x)` : ''}`);
  if (row.target) parts.push(`target ${row.target.text}: ${row.target.met ? 'met' : 'MISSED'}`);
  if (row.detail) parts.push(row.detail);
  return parts.join('; ');
}
