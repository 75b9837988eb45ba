import type { PolicyEvent } from './policy-event';
import type { PolicyState } from './policy-state';

export function evolvePolicy(state: PolicyState, event: PolicyEvent): PolicyState {
  switch (event.type) {
    case 'PolicyCreated':
    case 'PolicyChanged':
      return { version: state.version + 1, policy: event.data.policy };
    case 'PolicyDeleted':
      return { version: state.version + 1, policy: null };
    default: {
      const unknown: never = event;
      throw new Error(`unknown policy event ${JSON.stringify(unknown)}`);
    }
  }
}
