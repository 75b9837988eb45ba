import type { TagEvent } from '@tag-history/domain';
import type { RecordedEvent } from '@tag-history/event-store';

export type RecordedTagEvent = RecordedEvent & TagEvent;

const TAG_EVENT_TYPES = new Set<string>(['TagCreated', 'TagMoved', 'TagDeleted', 'TagRestored'] satisfies TagEvent['type'][]);

export function isTagEvent(event: Pick<RecordedEvent, 'type'>): event is RecordedTagEvent {
  return TAG_EVENT_TYPES.has(event.type);
}
