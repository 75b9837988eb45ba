import { decide, evolve, initialTagState, type TagCommand, type TagEvent, TagHistoryError, type TagState, tagStreamId } from '@tag-history/domain';
import { type EventStore, type RecordedEvent, StreamConflictError } from '@tag-history/event-store';

export interface TagWriteResult {
  state: TagState;
  /** What this command appended; empty when it changed nothing. */
  events: RecordedEvent[];
}

// Each retry means another writer moved the tag in between, so this bounds
// how long a command without If-Match can lose races before it gives up.
const MAX_ATTEMPTS = 64;

/**
 * Load, decide, append with the version decided on. When another writer got
 * there first the command is decided again on the new state: a command with
 * If-Match then fails its precondition, one without it applies on top.
 *
 * The head usually comes from the event store's memory. An append on a
 * stale head fails and is retried; a refusal or a no-op appends nothing, so
 * it is only answered once decided on the head read from the database.
 */
export async function executeTagCommand(store: EventStore, command: TagCommand, actor: string, now: () => Date, tokenId?: string): Promise<TagWriteResult> {
  const streamId = tagStreamId(command.data.repository, command.data.tag);
  let fresh = false;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const head = await store.readStreamHead<TagState>(streamId, { fresh });
    fresh = true;
    const state = head.snapshot ?? initialTagState;
    let events: TagEvent[];
    try {
      events = decide(command, state);
    } catch (error) {
      if (head.cached) continue;
      throw error;
    }
    if (events.length === 0) {
      if (head.cached) continue;
      return { state, events: [] };
    }
    const next = events.reduce(evolve, state);
    try {
      const [recorded] = await store.append([{ streamId, expected: head, events, snapshot: next, actor, tokenId, time: now() }]);
      return { state: next, events: recorded! };
    } catch (error) {
      if (!(error instanceof StreamConflictError)) throw error;
    }
  }
  throw new TagHistoryError('CONFLICT', `tag ${streamId} is changing too fast; retry`, { attempts: MAX_ATTEMPTS });
}
