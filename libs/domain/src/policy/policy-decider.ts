import type { Decider } from '../decider/decider';
import { decidePolicy } from './decide-policy';
import { evolvePolicy } from './evolve-policy';
import type { PolicyCommand } from './policy-command';
import type { PolicyEvent } from './policy-event';
import { initialPolicyState, type PolicyState } from './policy-state';

export const policyDecider: Decider<PolicyCommand, PolicyEvent, PolicyState> = { decide: decidePolicy, evolve: evolvePolicy, initialState: initialPolicyState };
