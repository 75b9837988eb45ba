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

const MAX_ATTEMPTS = 64;

/** Load, decide, append with the version decided on; decide again when another writer got there first. */
export async function executeDecider<C, E extends { type: string; data: Record<string, unknown> }, S>(
  store: EventStore,
  decider: Decider<C, E, S>,
  streamId: string,
  command: C,
  actor: string,
  now: () => Date,
): Promise<DeciderResult<S>> {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const head = await store.readStreamHead<S>(streamId);
    const state = head.snapshot ?? decider.initialState;
    const events = decider.decide(command, state);
    if (events.length === 0) return { state, events: [] };
    const next = events.reduce(decider.evolve, state);
    try {
      const [recorded] = await store.append([{ streamId, expected: head, events, snapshot: next, actor, time: now() }]);
      return { state: next, events: recorded! };
    } catch (error) {
      if (!(error instanceof StreamConflictError)) throw error;
    }
  }
  throw new TagHistoryError('CONFLICT', `${streamId} is changing too fast; retry`, { attempts: MAX_ATTEMPTS });
}
