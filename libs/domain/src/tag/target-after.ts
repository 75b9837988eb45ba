import type { TagEvent } from './tag-event';
import type { Target } from './target';

/** Where the tag points once the event has happened; null when it no longer exists. */
export function targetAfter(event: TagEvent): Target | null {
  switch (event.type) {
    case 'TagCreated':
    case 'TagMoved':
    case 'TagRestored':
      return event.data.target;
    case 'TagDeleted':
      return null;
    default: {
      const unknown: never = event;
      throw new Error(`unknown tag event ${JSON.stringify(unknown)}`);
    }
  }
}
