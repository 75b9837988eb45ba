import type { Decider } from '@tag-history/domain';
import type { RecordedEvent } from '@tag-history/signing';

/** An event as a decider makes it: a type and its data. */
export interface NewEvent {
  type: string;
  data: Record<string, unknown>;
}

/** One command for one stream, with the rules that decide it. */
export interface Operation<C = unknown, E extends NewEvent = NewEvent, S = unknown> {
  streamId: string;
  decider: Decider<C, E, S>;
  command: C;
}

/** A claimed Idempotency-Key, and what an earlier run of the same request committed, if it did. */
export interface IdempotencyClaim {
  actor: string;
  key: string;
  owner: string;
  recorded?: RecordedOutcome;
}

/** A write's outcome as recorded with its events: each operation's state and event count, and where its events start. */
export interface RecordedOutcome {
  position: number;
  result: { states: unknown[]; counts: number[] };
}

/** Who writes, when, and how. Time is an input: every event of the write carries it. */
export interface WriteContext {
  actor: string;
  /** The `jti` of the token the actor acted with, signed into the events. */
  tokenId?: string;
  time: Date;
  idempotency?: IdempotencyClaim;
  /** Names the operation a refusal belongs to (a batch says "operation 3: ..."). */
  refusal?: (index: number, error: unknown) => unknown;
  /**
   * The fingerprint of the policies the write's deciders were made under:
   * its round appends only while they are still in force, or it answers
   * RulesChanged.
   */
  rules?: string;
  /** Appends in a round of its own (a policy change: no write may share its round, decided under the policies it replaces). */
  alone?: boolean;
}

/** What one operation did: the stream's state after it, and the events it appended (none for a no-op). */
export interface OperationResult<S = unknown> {
  state: S;
  events: RecordedEvent[];
}

/** Who writes, as a request tells it; the handler adds the time. */
export type Writer = Pick<WriteContext, 'actor' | 'tokenId' | 'idempotency'>;
