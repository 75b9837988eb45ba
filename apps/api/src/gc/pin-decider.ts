import { decidePin, evolvePin, initialPinState } from '@tag-history/domain';

export const pinDecider = { decide: decidePin, evolve: evolvePin, initialState: initialPinState };
