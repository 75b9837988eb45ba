import type { Bench } from '../bench';

/**
 * One benchmark: a module in bench/workloads/ listed in index.ts. `run`
 * measures through the Bench it is given and records rows (and curves).
 */
export interface Workload {
  name: string;
  title: string;
  run(bench: Bench): Promise<void>;
}
