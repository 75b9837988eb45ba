import type { Measurement } from './measurement';
import type { ProfileSummary } from './report/cpu-profile';

/** One line of the results table: the service, and (when it has one) its raw Postgres equivalent measured beside it. */
export interface ResultRow {
  workload: string;
  case: string;
  clients: number;
  service: Measurement;
  /** What the service was compared with: a raw statement (run by pgbench), or another service case. */
  baseline?: string;
  /** The baseline: pgbench `-M prepared` for a raw statement. */
  raw?: Measurement;
  /** The same raw statement by pgbench `-M simple` (one run after the rounds). */
  rawSimple?: Measurement;
  /** The same raw statement from Node.js with node-pg. */
  rawNode?: Measurement;
  /** Service throughput / baseline throughput. */
  ratio?: number;
  /** Service p50 latency / baseline p50 latency. */
  p50Ratio?: number;
  /** The target, when it sets one: `text` says what it asks (`≥ 1.0x`, `≥ 50,000 events/s`). */
  target?: { text: string; met: boolean };
  /** What one operation is, when not a request (`event`, `tag`): the ops/s column then counts those. */
  unit?: string;
  /** The service's conversation with Postgres per operation, counted on the wire by a proxy (Bench.roundTrips). */
  wire?: { roundTripsPerOp: number; statementsPerOp: number };
  /** The machine's 1-minute load average when the row was recorded: 2 cores, shared with other engineers' work. */
  loadAverage?: string;
  /** Anything else the row should say (sizes, totals, memory). */
  detail?: string;
}

/** A curve of the scaling chart: cost per operation against the number of events in the log. */
export interface Series {
  name: string;
  /** A reference line (raw Postgres) is drawn dashed. */
  reference?: boolean;
  points: { events: number; microsPerOp: number }[];
}

export interface BenchResults {
  startedAt: string;
  finishedAt?: string;
  machine: Record<string, unknown>;
  options: Record<string, unknown>;
  rows: ResultRow[];
  series: Series[];
  /** `--profile`: where the service's CPU went, per profiled case. */
  profiles: (ProfileSummary & { measurement: Measurement })[];
  notes: string[];
  errors: string[];
}
