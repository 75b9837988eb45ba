import type { RawStatement } from './driver/load-spec';
import type { Measurement } from './measurement';

/** One line of the results table: the service, and (when it has one) its raw Postgres equivalent measured beside it. */
export interface ResultRow {
  workload: string;
  case: string;
  clients: number;
  service: Measurement;
  baseline?: RawStatement;
  raw?: Measurement;
  /** Service throughput / raw throughput. */
  ratio?: number;
  /** The target for the ratio, when it sets one. */
  target?: { min: number; met: boolean };
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
