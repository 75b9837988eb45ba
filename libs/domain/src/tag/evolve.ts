import type { TagEvent } from './tag-event';
import type { TagState } from './tag-state';

export function evolve(state: TagState, event: TagEvent): TagState {
  const version = state.version + 1;
  switch (event.type) {
    case 'TagCreated':
    case 'TagMoved':
      return { version, target: event.data.target };
    case 'TagDeleted':
      return { version, target: null };
    default: {
      const unknown: never = event;
      throw new Error(`unknown tag event ${JSON.stringify(unknown)}`);
    }
  }
}
