import { decideSweep, evolveSweep, initialSweepState } from '@tag-history/domain';

export const sweepDecider = { decide: decideSweep, evolve: evolveSweep, initialState: initialSweepState };
