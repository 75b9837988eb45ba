import { TagHistoryError } from '../errors/tag-history-error';
import { decidePin } from './decide-pin';
import { evolvePin } from './evolve-pin';
import type { PinCommand } from './pin-command';
import type { PinEvent } from './pin-event';
import { initialPinState } from './pin-state';

const repository = 'team/app';
const digest = `sha256:${'a'.repeat(64)}`;
const pin = (reason = 'audit'): PinCommand => ({ type: 'PinManifest', data: { repository, digest, reason } });
const unpin = (reason = 'done'): PinCommand => ({ type: 'UnpinManifest', data: { repository, digest, reason } });
const pinned = (reason = 'audit'): PinEvent => ({ type: 'ManifestPinned', data: { repository, digest, reason } });
const unpinned = (reason = 'done'): PinEvent => ({ type: 'ManifestUnpinned', data: { repository, digest, reason } });

function given(...events: PinEvent[]) {
  const state = events.reduce(evolvePin, initialPinState);
  return {
    when: (command: PinCommand) => ({
      then: (expected: PinEvent[]) => expect(decidePin(command, state)).toEqual(expected),
      thenFails: (code: string) => {
        expect(() => decidePin(command, state)).toThrow(TagHistoryError);
        expect(() => decidePin(command, state)).toThrow(expect.objectContaining({ code }));
      },
    }),
  };
}

describe('pin decider', () => {
  it('pins an unpinned manifest with its reason', () => given().when(pin()).then([pinned()]));
  it('appends nothing when pinning a pinned manifest', () => given(pinned()).when(pin('other')).then([]));
  it('unpins a pinned manifest with its reason', () => given(pinned()).when(unpin()).then([unpinned()]));
  it('refuses to unpin what is not pinned', () => given().when(unpin()).thenFails('PIN_UNKNOWN'));
  it('refuses to unpin twice', () => given(pinned(), unpinned()).when(unpin()).thenFails('PIN_UNKNOWN'));
  it('pins again after an unpin', () => given(pinned(), unpinned()).when(pin('again')).then([pinned('again')]));
  it('counts versions and keeps the reason while pinned', () => {
    expect([pinned('x'), unpinned(), pinned('y')].reduce(evolvePin, initialPinState)).toEqual({ version: 3, pinned: true, reason: 'y' });
  });
});
