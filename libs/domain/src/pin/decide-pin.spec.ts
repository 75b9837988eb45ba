import { given as givenEvents } from '../decider/given';
import type { PinCommand } from './pin-command';
import { pinDecider } from './pin-decider';
import type { PinEvent } from './pin-event';

const repository = 'team/app';
const digest = `sha256:${'a'.repeat(64)}`;
const pin = (reason = 'audit'): PinCommand => ({ type: 'PinManifest', data: { repository, digest, reason } });
const unpin = (reason = 'done'): PinCommand => ({ type: 'UnpinManifest', data: { repository, digest, reason } });
const pinned = (reason = 'audit'): PinEvent => ({ type: 'ManifestPinned', data: { repository, digest, reason } });
const unpinned = (reason = 'done'): PinEvent => ({ type: 'ManifestUnpinned', data: { repository, digest, reason } });

const given = (...past: PinEvent[]) => givenEvents(pinDecider, ...past);

describe('pin decider', () => {
  it('pins an unpinned manifest with its reason', () => given().when(pin()).then([pinned()]));
  it('appends nothing when pinning a pinned manifest', () => given(pinned()).when(pin('other')).then([]));
  it('unpins a pinned manifest with its reason', () => given(pinned()).when(unpin()).then([unpinned()]));
  it('refuses to unpin what is not pinned', () => given().when(unpin()).thenFails('PIN_UNKNOWN'));
  it('refuses to unpin twice', () => given(pinned(), unpinned()).when(unpin()).thenFails('PIN_UNKNOWN'));
  it('pins again after an unpin', () =>
    given(pinned(), unpinned())
      .when(pin('again'))
      .then([pinned('again')]));
  it('counts versions and keeps the reason while pinned', () => {
    expect([pinned('x'), unpinned(), pinned('y')].reduce(pinDecider.evolve, pinDecider.initialState)).toEqual({ version: 3, pinned: true, reason: 'y' });
  });
});
