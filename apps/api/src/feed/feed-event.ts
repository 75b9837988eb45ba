import { type RecordedEvent, toEventJson } from '@tag-history/event-store';
import { encodeCursor } from './cursor';

/** An event as the feed serves it: everything needed to verify it offline, and where to resume after it. */
export function feedEvent(e: RecordedEvent) {
  return { cursor: encodeCursor(e.position), ...toEventJson(e) };
}
