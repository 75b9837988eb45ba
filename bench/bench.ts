import type pg from 'pg';
import type { FeedFollower, RawStatement, RequestFactoryRef } from './driver/load-spec';
import { runLoad } from './driver/run-load';
import { combine, type Measurement } from './measurement';
import type { BenchOptions } from './options';
import type { BenchResults, ResultRow } from './results';
import type { ServiceProcess } from './service-process';

export interface Comparison {
  workload: string;
  case: string;
  clients: number;
  requests: RequestFactoryRef;
  /** Statuses that count as success. */
  expect: number[];
  /** A raw Postgres statement, or other service requests (e.g. the same read on a short history). */
  baseline: RawStatement | HttpBaseline;
  /** Minimum service/baseline throughput ratio the issue asks for. */
  target?: number;
}

export interface HttpBaseline {
  name: string;
  requests: RequestFactoryRef;
  expect: number[];
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
  ) {}

  /** HTTP load on the service from a driver process. */
  async http(requests: RequestFactoryRef, clients: number, expect: number[], seconds = this.options.seconds): Promise<Measurement> {
    let cpuBefore = 0;
    let commitsBefore = Promise.resolve(0);
    const spec = { kind: 'http', url: this.service.url, connections: clients, seconds, warmupSeconds: this.warmup(), requests, expect } as const;
    const measurement = await runLoad(spec, () => {
      cpuBefore = this.service.cpuMicros();
      commitsBefore = this.commits();
    });
    const cpu = this.service.cpuMicros() - cpuBefore;
    // The statistics reach pg_stat_database when a backend goes idle: give them a moment (not with --quick: it checks, not measures).
    if (!this.options.quick) await new Promise((r) => setTimeout(r, 1_100));
    const commits = (await this.commits()) - (await commitsBefore);
    if (measurement.ops === 0) return measurement;
    return { ...measurement, serviceCpuMicrosPerOp: cpu / measurement.ops, commitsPerOp: commits / measurement.ops };
  }

  /**
   * The change feed's delay: writers in a driver process move tags of
   * `repository` while a follower reads the feed; each event's delay is from
   * its PUT's 2xx to its arrival at the follower (one clock: one process).
   */
  feed(follower: FeedFollower, repository: string, writers: number, seconds = this.options.seconds): Promise<Measurement> {
    return runLoad({ kind: 'feed', url: this.service.url, follower, repository, connections: writers, seconds, warmupSeconds: this.warmup() });
  }

  /** The raw Postgres baseline from a driver process, on the same database. */
  raw(statement: RawStatement, clients: number, seconds = this.options.seconds): Promise<Measurement> {
    return runLoad({ kind: 'pg', url: this.databaseUrl, connections: clients, seconds, warmupSeconds: this.warmup(), statement });
  }

  /**
   * Raw and service runs alternate, `rounds` times, so that both see the same
   * machine: on a shared machine only a ratio measured side by side means much.
   */
  async compare(c: Comparison): Promise<ResultRow> {
    const raws: Measurement[] = [];
    const services: Measurement[] = [];
    const baseline = c.baseline;
    for (let round = 0; round < this.options.rounds; round++) {
      raws.push(typeof baseline === 'string' ? await this.raw(baseline, c.clients) : await this.http(baseline.requests, c.clients, baseline.expect));
      services.push(await this.http(c.requests, c.clients, c.expect));
    }
    const raw = combine(raws);
    const service = combine(services);
    const ratio = raw.opsPerSec === 0 ? 0 : service.opsPerSec / raw.opsPerSec;
    const row: ResultRow = {
      workload: c.workload,
      case: c.case,
      clients: c.clients,
      service,
      baseline: typeof baseline === 'string' ? baseline : baseline.name,
      raw,
      ratio,
      ...(c.target !== undefined ? { target: { text: `≥ ${c.target.toFixed(1)}x`, met: ratio >= c.target } } : {}),
    };
    this.record(row);
    return row;
  }

  /** Adds a row, reporting as errors any failed request or statement it counted. */
  record(row: ResultRow): void {
    this.results.rows.push(row);
    const failures = row.service.errors + (row.raw?.errors ?? 0);
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

function summary(row: ResultRow): string {
  const s = row.service;
  const parts = [`service ${s.opsPerSec.toFixed(0)} ${row.unit ?? 'op'}s/s p50 ${s.p50Ms.toFixed(2)} ms p99 ${s.p99Ms.toFixed(2)} ms`];
  if (s.serviceCpuMicrosPerOp !== undefined) parts.push(`${s.serviceCpuMicrosPerOp.toFixed(0)} µs CPU/op, ${s.commitsPerOp?.toFixed(2)} commits/op`);
  if (row.raw) parts.push(`baseline ${row.baseline} ${row.raw.opsPerSec.toFixed(0)}/s p50 ${row.raw.p50Ms.toFixed(2)} ms p99 ${row.raw.p99Ms.toFixed(2)} ms`);
  if (row.ratio !== undefined) parts.push(`ratio ${row.ratio.toFixed(2)}x`);
  if (row.target) parts.push(`target ${row.target.text}: ${row.target.met ? 'met' : 'MISSED'}`);
  if (row.detail) parts.push(row.detail);
  return parts.join('; ');
}
