import { given as givenEvents } from '../decider/given';
import type { TagCommand } from './tag-command';
import type { TagEvent } from './tag-event';
import { tagDecider } from './tag-decider';
import type { Target } from './target';

const repository = 'library/ubuntu';
const tag = 'latest';
const v1: Target = { mediaType: 'application/vnd.oci.image.manifest.v1+json', size: 10, digest: `sha256:${'1'.repeat(64)}` };
const v2: Target = { ...v1, digest: `sha256:${'2'.repeat(64)}` };

const given = (...past: TagEvent[]) => givenEvents(tagDecider, ...past);

const put = (target: Target, extra: { expectedVersion?: number; createOnly?: boolean; mustExist?: boolean } = {}): TagCommand => ({
  type: 'PutTag',
  data: { repository, tag, target, ...extra },
});
const del = (expectedVersion?: number): TagCommand => ({ type: 'DeleteTag', data: { repository, tag, expectedVersion } });
const restore = (restoredVersion: number, target: Target, expectedVersion?: number): TagCommand => ({
  type: 'RestoreTag',
  data: { repository, tag, restoredVersion, target, expectedVersion },
});
const restored = (restoredVersion: number, from: Target | null, target: Target): TagEvent => ({
  type: 'TagRestored',
  data: { repository, tag, restoredVersion, from, target },
});
const created = (target: Target): TagEvent => ({ type: 'TagCreated', data: { repository, tag, target } });
const moved = (from: Target, target: Target): TagEvent => ({ type: 'TagMoved', data: { repository, tag, from, target } });
const deleted = (from: Target): TagEvent => ({ type: 'TagDeleted', data: { repository, tag, from } });

describe('tag decider', () => {
  it('creates a tag that never existed', () =>
    given()
      .when(put(v1))
      .then([created(v1)]));
  it('moves an existing tag, naming where it came from', () =>
    given(created(v1))
      .when(put(v2))
      .then([moved(v1, v2)]));
  it('appends nothing for a move to the current target', () => given(created(v1)).when(put(v1)).then([]));
  it('re-creates a deleted tag', () =>
    given(created(v1), deleted(v1))
      .when(put(v2))
      .then([created(v2)]));
  it('deletes an existing tag', () =>
    given(created(v1), moved(v1, v2))
      .when(del())
      .then([deleted(v2)]));
  it('refuses to delete a tag that does not exist', () => given().when(del()).thenFails('TAG_UNKNOWN'));
  it('refuses to delete a deleted tag', () => given(created(v1), deleted(v1)).when(del()).thenFails('TAG_UNKNOWN'));
  it('honours a matching expected version', () =>
    given(created(v1))
      .when(put(v2, { expectedVersion: 1 }))
      .then([moved(v1, v2)]));
  it('fails a stale expected version', () =>
    given(created(v1), moved(v1, v2))
      .when(put(v1, { expectedVersion: 1 }))
      .thenFails('PRECONDITION_FAILED'));
  it('fails a stale expected version on delete', () => given(created(v1), moved(v1, v2)).when(del(1)).thenFails('PRECONDITION_FAILED'));
  it('fails create-only when the tag exists', () =>
    given(created(v1))
      .when(put(v2, { createOnly: true }))
      .thenFails('PRECONDITION_FAILED'));
  it('allows create-only after a deletion', () =>
    given(created(v1), deleted(v1))
      .when(put(v2, { createOnly: true }))
      .then([created(v2)]));
  it('moves only an existing tag when asked to', () =>
    given()
      .when(put(v1, { mustExist: true }))
      .thenFails('TAG_UNKNOWN'));
  it('restores an earlier target, naming the version', () =>
    given(created(v1), moved(v1, v2))
      .when(restore(1, v1))
      .then([restored(1, v2, v1)]));
  it('restores a deleted tag', () =>
    given(created(v1), deleted(v1))
      .when(restore(1, v1))
      .then([restored(1, null, v1)]));
  it('appends nothing when restoring the current target', () => given(created(v1), moved(v1, v2), moved(v2, v1)).when(restore(1, v1)).then([]));
  it('refuses a version the tag never reached', () => given(created(v1)).when(restore(2, v2)).thenFails('VERSION_UNKNOWN'));
  it('refuses version 0', () => given(created(v1)).when(restore(0, v2)).thenFails('VERSION_UNKNOWN'));
  it('honours If-Match on restore', () =>
    given(created(v1), moved(v1, v2))
      .when(restore(1, v1, 1))
      .thenFails('PRECONDITION_FAILED'));
  it('counts versions across deletions', () => {
    const state = [created(v1), deleted(v1), created(v2)].reduce(tagDecider.evolve, tagDecider.initialState);
    expect(state).toEqual({ version: 3, target: v2 });
  });
});

describe('a client-signed put', () => {
  const jws = { payload: 'eyJ0YWciOiJ4In0', signatures: [{ protected: 'eyJhbGciOiJFZERTQSJ9', signature: 'c2ln' }] };
  it('keeps the client JWS in the event it creates or moves', () => {
    given()
      .when({ type: 'PutTag', data: { repository, tag, target: v1, jws } })
      .then([{ type: 'TagCreated', data: { repository, tag, target: v1, jws } }]);
    given(created(v1))
      .when({ type: 'PutTag', data: { repository, tag, target: v2, jws } })
      .then([{ type: 'TagMoved', data: { repository, tag, from: v1, target: v2, jws } }]);
  });
});

describe('a change seen in an upstream registry', () => {
  const provenance = { source: 'notification' as const, registry: '127.0.0.1:5000', notificationId: 'e1', requestId: 'r1' };
  it('keeps its provenance in the event it creates, moves or deletes', () => {
    given()
      .when({ type: 'PutTag', data: { repository, tag, target: v1, provenance } })
      .then([{ type: 'TagCreated', data: { repository, tag, target: v1, provenance } }]);
    given(created(v1))
      .when({ type: 'PutTag', data: { repository, tag, target: v2, provenance } })
      .then([{ type: 'TagMoved', data: { repository, tag, from: v1, target: v2, provenance } }]);
    given(created(v1))
      .when({ type: 'DeleteTag', data: { repository, tag, provenance } })
      .then([{ type: 'TagDeleted', data: { repository, tag, from: v1, provenance } }]);
  });
  it('appends nothing for a re-push of the current target', () =>
    given(created(v1))
      .when({ type: 'PutTag', data: { repository, tag, target: v1, provenance } })
      .then([]));
});
