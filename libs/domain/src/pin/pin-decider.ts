import type { Decider } from '../decider/decider';
import { decidePin } from './decide-pin';
import { evolvePin } from './evolve-pin';
import type { PinCommand } from './pin-command';
import type { PinEvent } from './pin-event';
import { initialPinState, type PinState } from './pin-state';

export const pinDecider: Decider<PinCommand, PinEvent, PinState> = { decide: decidePin, evolve: evolvePin, initialState: initialPinState };
