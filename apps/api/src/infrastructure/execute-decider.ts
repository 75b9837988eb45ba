import { TagHistoryError } from '@tag-history/domain';
import { type EventStore, type RecordedEvent, StreamConflictError } from '@tag-history/event-store';

export interface Decider<C, E, S> {
  decide(command: C, state: S): E[];
  evolve(state: S, event: E): S;
  initialState: S;
}

export interface DeciderResult<S> {
  state: S;
  /** What this command appended; empty when it changed nothing. */
  events: RecordedEvent[];
}

// Each retry means another writer changed the stream in between, so this
// bounds how long a command can lose races before it gives up.
const MAX_ATTEMPTS = 64;

/**
 * Load, decide, append with the version decided on. When another writer got
 * there first the command is decided again on the new state: a command with
 * an expected version then fails its precondition, one without applies on top.
 *
 * The head usually comes from the event store's memory. An append on a
 * stale head fails and is retried; a refusal or a no-op appends nothing, so
 * it is only answered once decided on the head read from the database.
 */
export async function executeDecider<C, E extends { type: string; data: Record<string, unknown> }, S>(
  store: EventStore,
  decider: Decider<C, E, S>,
  streamId: string,
  command: C,
  actor: string,
  now: () => Date,
  /** The `jti` of the token the actor acted with, signed into the events. */
  tokenId?: string,
): Promise<DeciderResult<S>> {
  let fresh = false;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const head = await store.readStreamHead<S>(streamId, { fresh });
    fresh = true;
    const state = head.snapshot ?? decider.initialState;
    let events: E[];
    try {
      events = decider.decide(command, state);
    } catch (error) {
      if (head.cached) continue;
      throw error;
    }
    if (events.length === 0) {
      if (head.cached) continue;
      return { state, events: [] };
    }
    const next = events.reduce(decider.evolve, state);
    try {
      const [recorded] = await store.append([{ streamId, expected: head, events, snapshot: next, actor, tokenId, time: now() }]);
      return { state: next, events: recorded! };
    } catch (error) {
      if (!(error instanceof StreamConflictError)) throw error;
    }
  }
  throw new TagHistoryError('CONFLICT', `${streamId} is changing too fast; retry`, { attempts: MAX_ATTEMPTS });
}
