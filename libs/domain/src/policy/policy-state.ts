import type { PolicySpec } from './policy';

/** `policy` is null before the policy's creation and after its deletion; `version` counts its stream's events. */
export interface PolicyState {
  version: number;
  policy: PolicySpec | null;
}

export const initialPolicyState: PolicyState = { version: 0, policy: null };

/** Repository names never start with "_", so policy streams never collide with tag or pin streams. */
export function policyStreamId(id: string): string {
  return `_policies/${id}`;
}
