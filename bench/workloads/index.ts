import { batch } from './batch';
import { feed } from './feed';
import { history } from './history';
import { logSize } from './log-size';
import { lookups } from './lookups';
import { moves } from './moves';
import { projections } from './projections';
import type { Workload } from './workload';

/** Every workload, in the order they run. A new one is a module in this folder and a line here. */
export const workloads: Workload[] = [moves, lookups, batch, history, feed, logSize, projections];
