import { assertPolicyId, parsePolicy, type PolicyCommand, type PolicyState } from '@tag-history/domain';
import type { OperationResult } from '@tag-history/event-store';
import { parseIfMatch, parseIfNoneMatch } from '../../http/preconditions';
import { readJsonBody } from '../../http/request-body';

type Headers = Record<string, string | string[] | undefined>;

export function parsePutPolicyRequest(id: string, headers: Headers, body: unknown): PolicyCommand {
  assertPolicyId(id);
  const expectedVersion = parseIfMatch(headers['if-match']);
  const createOnly = parseIfNoneMatch(headers['if-none-match']);
  const policy = parsePolicy(readJsonBody(body, headers['content-type'] as string | undefined, ['application/json']));
  return { type: 'PutPolicy', data: { id, policy, expectedVersion, createOnly } };
}

export function parseDeletePolicyRequest(id: string, headers: Headers): PolicyCommand {
  assertPolicyId(id);
  return { type: 'DeletePolicy', data: { id, expectedVersion: parseIfMatch(headers['if-match']) } };
}

export function policyWriteBody(id: string, { state, events }: OperationResult<PolicyState>) {
  return {
    id,
    policy: state.policy,
    version: state.version,
    events: events.map((e) => ({ type: e.type, version: e.version, position: e.position, time: e.recordedAt.toISOString() })),
  };
}
