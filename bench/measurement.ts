/** What one load run observed, from the load driver's side. */
export interface Measurement {
  /** Operations that completed (HTTP responses or committed statements). */
  ops: number;
  seconds: number;
  opsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  /** Connection errors, timeouts, failed statements and unexpected HTTP statuses. */
  errors: number;
  /** CPU time the service process spent per operation (user + system), for HTTP runs: less noisy than throughput on a busy machine. */
  serviceCpuMicrosPerOp?: number;
  /** Transactions committed in the service's database per operation, for HTTP runs (for writes: 1 / group commit batch size). */
  commitsPerOp?: number;
  /** Response counts by HTTP status, for HTTP runs. */
  statuses?: Record<string, number>;
}

/** Microseconds of wall-clock time per operation at this concurrency: the inverse of throughput. */
export function microsPerOp(m: Measurement): number {
  return m.ops === 0 ? Number.POSITIVE_INFINITY : (m.seconds * 1e6) / m.ops;
}

/** Sums several runs of the same load into one, weighting latencies by operations. */
export function combine(runs: Measurement[]): Measurement {
  const ops = runs.reduce((n, r) => n + r.ops, 0);
  const seconds = runs.reduce((n, r) => n + r.seconds, 0);
  const weighted = (pick: (r: Measurement) => number) => (ops === 0 ? 0 : runs.reduce((n, r) => n + pick(r) * r.ops, 0) / ops);
  const statuses: Record<string, number> = {};
  for (const r of runs) for (const [code, n] of Object.entries(r.statuses ?? {})) statuses[code] = (statuses[code] ?? 0) + n;
  return {
    ops,
    seconds,
    opsPerSec: seconds === 0 ? 0 : ops / seconds,
    p50Ms: weighted((r) => r.p50Ms),
    p99Ms: weighted((r) => r.p99Ms),
    errors: runs.reduce((n, r) => n + r.errors, 0),
    ...(runs.some((r) => r.statuses) ? { statuses } : {}),
    ...(runs.some((r) => r.serviceCpuMicrosPerOp !== undefined) ? { serviceCpuMicrosPerOp: weighted((r) => r.serviceCpuMicrosPerOp ?? 0) } : {}),
    ...(runs.some((r) => r.commitsPerOp !== undefined) ? { commitsPerOp: weighted((r) => r.commitsPerOp ?? 0) } : {}),
  };
}

/** The q-quantile (0..1) of ascending values; 0 when there are none. */
export function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
}
