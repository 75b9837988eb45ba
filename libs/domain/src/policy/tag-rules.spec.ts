import { given as givenEvents } from '../decider/given';
import type { TagCommand } from '../tag/tag-command';
import type { TagEvent } from '../tag/tag-event';
import type { Target } from '../tag/target';
import type { Policy } from './policy';
import { policyRefusals, tagDeciderUnder } from './tag-rules';

const repository = 'team/app';
const v1: Target = { mediaType: 'application/vnd.oci.image.manifest.v1+json', size: 10, digest: `sha256:${'1'.repeat(64)}` };
const v2: Target = { ...v1, digest: `sha256:${'2'.repeat(64)}` };
const immutable: Policy = { id: 'releases', version: 1, repositories: 'team/**', tags: 'v*', rule: 'immutable' };
const prot: Policy = { id: 'prod', version: 2, repositories: '**', tags: 'prod', rule: 'protected' };
const expire: Policy = { id: 'pr', version: 1, repositories: '**', tags: 'pr-*', rule: 'expire', after: 'P7D' };
const policies = [immutable, prot, expire];

const given = (...past: TagEvent[]) => givenEvents(tagDeciderUnder(policies), ...past);
const put = (tag: string, target: Target, extra: Partial<Extract<TagCommand, { type: 'PutTag' }>['data']> = {}): TagCommand => ({
  type: 'PutTag',
  data: { repository, tag, target, ...extra },
});
const del = (tag: string, expectedVersion?: number): TagCommand => ({ type: 'DeleteTag', data: { repository, tag, expectedVersion } });
const restore = (tag: string, restoredVersion: number, target: Target, expectedVersion?: number): TagCommand => ({
  type: 'RestoreTag',
  data: { repository, tag, restoredVersion, target, expectedVersion },
});
const created = (tag: string, target: Target): TagEvent => ({ type: 'TagCreated', data: { repository, tag, target } });
const moved = (tag: string, from: Target, target: Target): TagEvent => ({ type: 'TagMoved', data: { repository, tag, from, target } });
const deleted = (tag: string, from: Target): TagEvent => ({ type: 'TagDeleted', data: { repository, tag, from } });
const registry = { source: 'notification' as const, registry: '127.0.0.1:5000' };

describe('immutable', () => {
  it('lets a matching tag be created', () =>
    given()
      .when(put('v1.0', v1))
      .then([created('v1.0', v1)]));
  it('refuses a move', () => given(created('v1.0', v1)).when(put('v1.0', v2)).thenFails('TAG_IMMUTABLE'));
  it('refuses a move with If-Match too', () =>
    given(created('v1.0', v1))
      .when(put('v1.0', v2, { expectedVersion: 1 }))
      .thenFails('TAG_IMMUTABLE'));
  it('refuses a delete', () => given(created('v1.0', v1)).when(del('v1.0')).thenFails('TAG_IMMUTABLE'));
  it('refuses a restore', () =>
    given(created('v1.0', v1), deleted('v1.0', v1))
      .when(restore('v1.0', 1, v1))
      .thenFails('TAG_IMMUTABLE'));
  it('refuses re-creating a tag that had a history', () => given(created('v1.0', v1), deleted('v1.0', v1)).when(put('v1.0', v2)).thenFails('TAG_IMMUTABLE'));
  it('answers a re-put of the same target with nothing, not a refusal', () => given(created('v1.0', v1)).when(put('v1.0', v1)).then([]));
  it('names the policy in the detail', () => {
    expect(() => tagDeciderUnder(policies).decide(put('v1.0', v2), { version: 1, target: v1 })).toThrow(
      expect.objectContaining({ code: 'TAG_IMMUTABLE', detail: expect.objectContaining({ policy: 'releases' }) }),
    );
  });
  it('governs only matching repositories and tags', () => {
    given(created('latest', v1))
      .when(put('latest', v2))
      .then([moved('latest', v1, v2)]);
    givenEvents(tagDeciderUnder(policies), { type: 'TagCreated', data: { repository: 'other/app', tag: 'v1.0', target: v1 } })
      .when({ type: 'PutTag', data: { repository: 'other/app', tag: 'v1.0', target: v2 } })
      .then([{ type: 'TagMoved', data: { repository: 'other/app', tag: 'v1.0', from: v1, target: v2 } }]);
  });
  it('records what the registry did: no refusal for a change seen there', () =>
    given(created('v1.0', v1))
      .when(put('v1.0', v2, { provenance: registry }))
      .then([{ type: 'TagMoved', data: { repository, tag: 'v1.0', from: v1, target: v2, provenance: registry } }]));
});

describe('protected', () => {
  it('lets the tag be created without If-Match', () =>
    given()
      .when(put('prod', v1))
      .then([created('prod', v1)]));
  it('requires If-Match to move', () => given(created('prod', v1)).when(put('prod', v2)).thenFails('PRECONDITION_REQUIRED'));
  it('moves with If-Match', () =>
    given(created('prod', v1))
      .when(put('prod', v2, { expectedVersion: 1 }))
      .then([moved('prod', v1, v2)]));
  it('requires If-Match to delete', () => given(created('prod', v1)).when(del('prod')).thenFails('PRECONDITION_REQUIRED'));
  it('deletes with If-Match', () =>
    given(created('prod', v1))
      .when(del('prod', 1))
      .then([deleted('prod', v1)]));
  it('requires If-Match to restore over a target', () =>
    given(created('prod', v1), moved('prod', v1, v2))
      .when(restore('prod', 1, v1))
      .thenFails('PRECONDITION_REQUIRED'));
  it('answers a stale If-Match with 412, not 428', () =>
    given(created('prod', v1), moved('prod', v1, v2))
      .when(put('prod', v1, { expectedVersion: 1 }))
      .thenFails('PRECONDITION_FAILED'));
  it('lets a no-op re-put through without If-Match', () => given(created('prod', v1)).when(put('prod', v1)).then([]));
});

describe('expire and retain', () => {
  it('refuse no write: they act in policy runs', () =>
    given(created('pr-1', v1))
      .when(put('pr-1', v2, { expiresAt: '2026-01-01T00:00:00Z' }))
      .then([{ type: 'TagMoved', data: { repository, tag: 'pr-1', from: v1, target: v2, expiresAt: '2026-01-01T00:00:00Z' } }]));
});

describe('policy refusals as violations', () => {
  it('names every policy a registry change breaks, immutability first', () => {
    const both: Policy = { id: 'all-prod', version: 1, repositories: '**', tags: 'v*', rule: 'protected' };
    expect(policyRefusals([moved('v1.0', v1, v2)], 1, false, [both, immutable]).map((r) => [r.policy.id, r.code])).toEqual([
      ['releases', 'TAG_IMMUTABLE'],
      ['all-prod', 'PRECONDITION_REQUIRED'],
    ]);
  });
  it('sees none in a first creation', () => expect(policyRefusals([created('v1.0', v1)], 0, false, policies)).toEqual([]));
});
