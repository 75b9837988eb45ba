import { given as givenEvents } from '../decider/given';
import type { PolicySpec } from './policy';
import type { PolicyCommand } from './policy-command';
import { policyDecider } from './policy-decider';
import type { PolicyEvent } from './policy-event';

const id = 'release';
const immutable: PolicySpec = { repositories: '**', tags: 'v*', rule: 'immutable' };
const prot: PolicySpec = { repositories: '**', tags: 'prod', rule: 'protected' };
const put = (policy: PolicySpec, extra: { expectedVersion?: number; createOnly?: boolean } = {}): PolicyCommand => ({
  type: 'PutPolicy',
  data: { id, policy, ...extra },
});
const del = (expectedVersion?: number): PolicyCommand => ({ type: 'DeletePolicy', data: { id, expectedVersion } });
const created = (policy: PolicySpec): PolicyEvent => ({ type: 'PolicyCreated', data: { id, policy } });
const changed = (from: PolicySpec, policy: PolicySpec): PolicyEvent => ({ type: 'PolicyChanged', data: { id, from, policy } });
const deleted = (from: PolicySpec): PolicyEvent => ({ type: 'PolicyDeleted', data: { id, from } });

const given = (...past: PolicyEvent[]) => givenEvents(policyDecider, ...past);

describe('policy decider', () => {
  it('creates a policy', () =>
    given()
      .when(put(immutable))
      .then([created(immutable)]));
  it('changes a policy, naming what it was', () =>
    given(created(immutable))
      .when(put(prot))
      .then([changed(immutable, prot)]));
  it('appends nothing for the same policy again', () => given(created(immutable)).when(put(immutable)).then([]));
  it('deletes a policy, naming what it was', () =>
    given(created(immutable))
      .when(del())
      .then([deleted(immutable)]));
  it('refuses to delete a policy that does not exist', () => given().when(del()).thenFails('POLICY_UNKNOWN'));
  it('refuses to delete a deleted policy', () => given(created(immutable), deleted(immutable)).when(del()).thenFails('POLICY_UNKNOWN'));
  it('creates again after a deletion', () =>
    given(created(immutable), deleted(immutable))
      .when(put(prot))
      .then([created(prot)]));
  it('honours If-Match', () =>
    given(created(immutable))
      .when(put(prot, { expectedVersion: 1 }))
      .then([changed(immutable, prot)]));
  it('fails a stale If-Match', () =>
    given(created(immutable), changed(immutable, prot))
      .when(put(immutable, { expectedVersion: 1 }))
      .thenFails('PRECONDITION_FAILED'));
  it('fails a stale If-Match on delete', () => given(created(immutable), changed(immutable, prot)).when(del(1)).thenFails('PRECONDITION_FAILED'));
  it('fails create-only when the policy exists', () =>
    given(created(immutable))
      .when(put(prot, { createOnly: true }))
      .thenFails('PRECONDITION_FAILED'));
  it('counts versions across deletions', () => {
    expect([created(immutable), deleted(immutable), created(prot)].reduce(policyDecider.evolve, policyDecider.initialState)).toEqual({
      version: 3,
      policy: prot,
    });
  });
});
