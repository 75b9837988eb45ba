import { TagHistoryError } from '../errors/tag-history-error';
import type { PinCommand } from './pin-command';
import type { PinEvent } from './pin-event';
import type { PinState } from './pin-state';

export function decidePin(command: PinCommand, state: PinState): PinEvent[] {
  const { repository, digest, reason } = command.data;
  switch (command.type) {
    case 'PinManifest':
      // Pinning what is pinned is a retry; the first reason stands.
      if (state.pinned) return [];
      return [{ type: 'ManifestPinned', data: { repository, digest, reason } }];
    case 'UnpinManifest':
      if (!state.pinned) {
        throw new TagHistoryError('PIN_UNKNOWN', `${repository}@${digest} is not pinned`, { name: repository, digest });
      }
      return [{ type: 'ManifestUnpinned', data: { repository, digest, reason } }];
    default: {
      const unknown: never = command;
      throw new Error(`unknown pin command ${JSON.stringify(unknown)}`);
    }
  }
}
