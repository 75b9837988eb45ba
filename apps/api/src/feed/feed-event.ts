import type { RecordedEvent } from '@tag-history/event-store';
import { encodeCursor } from './cursor';

/** An event as the feed serves it: everything needed to verify it offline, and where to resume after it. */
export function feedEvent(e: RecordedEvent) {
  return {
    cursor: encodeCursor(e.position),
    position: e.position,
    stream: e.streamId,
    version: e.version,
    type: e.type,
    data: e.data,
    actor: e.actor,
    time: e.recordedAt.toISOString(),
    hash: e.hash,
    prev: e.prevHash,
    jws: e.jws,
  };
}
