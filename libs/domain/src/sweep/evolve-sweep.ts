import type { SweepEvent } from './sweep-event';
import type { SweepState } from './sweep-state';

export function evolveSweep(state: SweepState, event: SweepEvent): SweepState {
  switch (event.type) {
    case 'GcSweepStarted':
      return { version: state.version + 1, id: event.data.id, status: 'open', leaseUntil: event.data.leaseUntil };
    case 'GcSweepExtended':
      return { ...state, version: state.version + 1 };
    case 'GcSweepClosed':
      return { ...state, version: state.version + 1, status: 'closed' };
    default: {
      const unknown: never = event;
      throw new Error(`unknown sweep event ${JSON.stringify(unknown)}`);
    }
  }
}
