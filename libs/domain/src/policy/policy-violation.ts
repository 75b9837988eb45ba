import type { Decider } from '../decider/decider';
import type { Target } from '../tag/target';
import type { PolicyRuleName } from './policy';
import type { PolicyRefusal, TagChange } from './tag-rules';

/** The change a registry made that a policy forbids, as recorded in the tag's history. */
export interface ViolatingChange {
  change: TagChange;
  type: string;
  stream: string;
  version: number;
  position: number;
  from: Target | null;
  target: Target | null;
}

export type PolicyViolated = {
  type: 'PolicyViolated';
  data: {
    repository: string;
    tag: string;
    policy: { id: string; version: number; rule: PolicyRuleName };
    code: PolicyRefusal['code'];
    change: ViolatingChange;
  };
};

export type RecordViolation = { type: 'RecordViolation'; data: PolicyViolated['data'] };

/** One stream of violations per policy; a violation is a fact, never refused. */
export function violationStreamId(policyId: string): string {
  return `_policies/${policyId}/violations`;
}

export function violationOf({ policy, code }: PolicyRefusal, repository: string, tag: string, change: ViolatingChange): RecordViolation {
  return { type: 'RecordViolation', data: { repository, tag, policy: { id: policy.id, version: policy.version, rule: policy.rule }, code, change } };
}

export const violationDecider: Decider<RecordViolation, PolicyViolated, { version: number }> = {
  decide: (command) => [{ type: 'PolicyViolated', data: command.data }],
  evolve: (state) => ({ version: state.version + 1 }),
  initialState: { version: 0 },
};
