import type { Measurement } from './measurement';

/** One line of the results table: the service, and (when it has one) its raw Postgres equivalent measured beside it. */
export interface ResultRow {
  workload: string;
  case: string;
  clients: number;
  service: Measurement;
  /** What the service was compared with: a raw statement, or another service case. */
  baseline?: string;
  raw?: Measurement;
  /** Service throughput / baseline throughput. */
  ratio?: number;
  /** The target, when it sets one: `text` says what it asks (`≥ 1.0x`, `≥ 50,000 events/s`). */
  target?: { text: string; met: boolean };
  /** What one operation is, when not a request (`event`, `tag`): the ops/s column then counts those. */
  unit?: string;
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
  notes: string[];
  errors: string[];
}
