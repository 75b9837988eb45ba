import type { Decider } from '../decider/decider';
import { decideSweep } from './decide-sweep';
import { evolveSweep } from './evolve-sweep';
import type { SweepCommand } from './sweep-command';
import type { SweepEvent } from './sweep-event';
import { initialSweepState, type SweepState } from './sweep-state';

export const sweepDecider: Decider<SweepCommand, SweepEvent, SweepState> = { decide: decideSweep, evolve: evolveSweep, initialState: initialSweepState };
