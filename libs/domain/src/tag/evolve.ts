import { targetAfter } from './target-after';
import type { TagEvent } from './tag-event';
import type { TagState } from './tag-state';

export function evolve(state: TagState, event: TagEvent): TagState {
  return { version: state.version + 1, target: targetAfter(event) };
}
