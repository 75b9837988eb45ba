import { decide, evolve, initialTagState, type TagCommand, TagHistoryError, type TagState, tagStreamId } from '@tag-history/domain';
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
 */
export async function executeTagCommand(store: EventStore, command: TagCommand, actor: string, now: () => Date, tokenId?: string): Promise<TagWriteResult> {
  const streamId = tagStreamId(command.data.repository, command.data.tag);
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const head = await store.readStreamHead<TagState>(streamId);
    const state = head.snapshot ?? initialTagState;
    const events = decide(command, state);
    if (events.length === 0) return { state, events: [] };
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
