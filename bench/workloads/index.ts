import { logSize } from './log-size';
import { lookups } from './lookups';
import { moves } from './moves';
import type { Workload } from './workload';

/** Every workload, in the order they run. A new one is a module in this folder and a line here. */
export const workloads: Workload[] = [moves, lookups, logSize];
