import { TagHistoryError } from '../errors/tag-history-error';
import type { PolicySpec } from './policy';
import type { PolicyCommand } from './policy-command';
import type { PolicyEvent } from './policy-event';
import type { PolicyState } from './policy-state';

export function decidePolicy(command: PolicyCommand, state: PolicyState): PolicyEvent[] {
  const { id, expectedVersion } = command.data;
  if (expectedVersion !== undefined && expectedVersion !== state.version) {
    throw new TagHistoryError('PRECONDITION_FAILED', `expected version ${expectedVersion}, but the policy is at version ${state.version}`, {
      expectedVersion,
      version: state.version,
    });
  }
  switch (command.type) {
    case 'PutPolicy': {
      const { policy, createOnly } = command.data;
      if (state.policy === null) return [{ type: 'PolicyCreated', data: { id, policy } }];
      if (createOnly) throw new TagHistoryError('PRECONDITION_FAILED', `policy ${id} already exists`, { version: state.version });
      // The same policy again is a retry, not a change.
      if (samePolicy(state.policy, policy)) return [];
      return [{ type: 'PolicyChanged', data: { id, from: state.policy, policy } }];
    }
    case 'DeletePolicy':
      if (state.policy === null) throw new TagHistoryError('POLICY_UNKNOWN', `policy ${id} does not exist`, { id });
      return [{ type: 'PolicyDeleted', data: { id, from: state.policy } }];
    default: {
      const unknown: never = command;
      throw new Error(`unknown policy command ${JSON.stringify(unknown)}`);
    }
  }
}

// parsePolicy writes fields in one order, so equal policies are equal JSON.
function samePolicy(a: PolicySpec, b: PolicySpec): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
