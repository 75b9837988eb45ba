import type { PinEvent } from './pin-event';
import type { PinState } from './pin-state';

export function evolvePin(state: PinState, event: PinEvent): PinState {
  switch (event.type) {
    case 'ManifestPinned':
      return { version: state.version + 1, pinned: true, reason: event.data.reason };
    case 'ManifestUnpinned':
      return { version: state.version + 1, pinned: false, reason: null };
    default: {
      const unknown: never = event;
      throw new Error(`unknown pin event ${JSON.stringify(unknown)}`);
    }
  }
}
