import { batch } from './batch';
import { feed } from './feed';
import { gc } from './gc';
import { history } from './history';
import { logSize } from './log-size';
import { lookups } from './lookups';
import { moves } from './moves';
import { projections } from './projections';
import { transparency } from './transparency';
import { verify } from './verify';
import type { Workload } from './workload';

/** Every workload, in the order they run. A new one is a module in this folder and a line here. */
// log-size first: the others add events, and its curve starts at 10^4.
export const workloads: Workload[] = [logSize, moves, lookups, batch, history, feed, projections, verify, transparency, gc];
