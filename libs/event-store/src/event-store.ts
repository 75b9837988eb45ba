import { type Database, isUnavailableError } from '@tag-history/database';
import { TagHistoryError } from '@tag-history/domain';
import { type SignedEvent, type SigningKey, signEvent } from '@tag-history/signing';
import type { Kysely } from 'kysely';
import { type AppendOutcome, appendBatch, type BatchEvent, type BatchKey, type BatchStream, type LeaseHit } from './append-batch';
import type { RecordedEvent } from '@tag-history/signing';
import { replayOutcome } from './replay-outcome';
import { RulesChanged } from './rules-changed';
import { readStreamHeads, type StreamHead } from './stream-head';
import { StreamHeadCache } from './stream-head-cache';
import type { NewEvent, Operation, OperationResult, WriteContext } from './write-operation';

export interface EventStoreOptions {
  /** Rounds in flight at once: the next one decides and signs while the last one commits. */
  concurrency: number;
  /** Operations per round, to bound one statement. */
  maxOperations: number;
  /** How long a write may keep losing races to other instances before it answers 409. */
  deadlineMs: number;
  /** The manifest an event makes referenced (GC leases refuse these), if any. */
  references(event: NewEvent): { repository: string; digest: string } | null;
  /** What a write whose event met a lease is answered. */
  leaseRefusal(hit: LeaseHit): Error;
  /**
   * Told, in the writer's async context, the log position a read must reach
   * to see a write's outcome: its last event's, or for a write that appended
   * nothing the log head when it was checked.
   */
  written?(position: number): void;
}

/** What the write path reports to whoever measures it (metrics); none of it changes what is written. */
export interface AppendObserver {
  /** A round is about to be decided: how long each of its writes waited for its streams and a place in a round. */
  roundStarted(waitsMs: number[]): void;
  /** A round's database call answered (or failed: outcome `failed`). */
  roundEnded(outcome: AppendOutcome['kind'] | 'failed', operations: number, events: number, commitMs: number): void;
}

/** Writes with more operations than this run in a round of their own. */
const ALONE_ABOVE = 64;

/** A write waiting for its round: all its operations commit together or none do. */
interface Pending {
  operations: Operation[];
  context: WriteContext;
  deadline: number;
  queuedAt: number;
  /** Runs in a round of its own: a round it shared failed for a reason no one was told. */
  solo: boolean;
  /** Its results, and the log position a read must reach to see them. */
  resolve(answer: Answered): void;
  reject(error: unknown): void;
}

interface Answered {
  results: OperationResult[];
  readable: number;
}

interface Decided {
  pending: Pending;
  /** Per operation, the state after it and how many of `events` are its own. */
  results: { state: unknown; count: number }[];
  events: NewEvent[];
  /** The stream of each event. */
  streams: string[];
  error?: unknown;
}

/**
 * The write path. Writers submit commands, not events. Commands are queued
 * per stream and taken in arrival order into rounds; a round decides each
 * write on the state the previous one left (so 100 unconditional moves of one
 * tag become 100 consecutive versions), signs the events in chain order and
 * appends the whole round in one database call. A refusal answers only its
 * own writer. Only another instance can make a head stale; the database then
 * answers the current heads and the round is decided again on them, until
 * the writes' deadline.
 */
export class EventStore {
  private readonly heads = new StreamHeadCache(100_000);
  private readonly queue: Pending[] = [];
  /** Streams of the rounds in flight: a stream is in at most one, so each round decides on the last one's result. */
  private readonly busy = new Set<string>();
  private running = 0;
  private readonly committedListeners = new Set<(events: RecordedEvent[]) => void>();
  /** Set by whoever measures the write path. */
  observer?: AppendObserver;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly key: SigningKey,
    private readonly options: EventStoreOptions,
  ) {}

  /**
   * Called with each round's events after they commit and before any of its
   * writers is answered: what listens (the API publishes them on its EventBus,
   * where the tag cache follows) never lags behind what this instance
   * acknowledged. Returns the unsubscribe function.
   */
  onCommitted(listener: (events: RecordedEvent[]) => void): () => void {
    this.committedListeners.add(listener);
    return () => this.committedListeners.delete(listener);
  }

  /** Decides and appends `operations` atomically; answers each one's state and events, or the first refusal. */
  async write<S = unknown>(operations: Operation[], context: WriteContext): Promise<OperationResult<S>[]> {
    let answer: Answered;
    if (context.idempotency?.recorded) {
      // Committed elsewhere (perhaps by another instance), acknowledged here: listeners hear of it before the answer too.
      // A recorded outcome always has events (a write that appended nothing records none).
      const results = await replayOutcome(this.db, context.idempotency.recorded);
      this.committed(results.flatMap((r) => r.events));
      answer = { results, readable: lastPosition(results) };
    } else {
      answer = await new Promise<Answered>((resolve, reject) => {
        this.queue.push({ operations, context, deadline: Date.now() + this.options.deadlineMs, queuedAt: performance.now(), solo: false, resolve, reject });
        this.pump();
      });
    }
    this.options.written?.(answer.readable);
    return answer.results as OperationResult<S>[];
  }

  private pump(): void {
    while (this.running < this.options.concurrency) {
      const round = this.takeRound();
      if (round.length === 0) return;
      const streams = new Set(round.flatMap((p) => p.operations.map((o) => o.streamId)));
      streams.forEach((s) => this.busy.add(s));
      this.running++;
      void this.run(round).finally(() => {
        streams.forEach((s) => this.busy.delete(s));
        this.running--;
        this.pump();
      });
    }
  }

  /**
   * The oldest writes whose streams are free, in order: a write passed over
   * blocks its streams for later ones. A round's writes share one set of
   * policies, the one the database checks.
   */
  private takeRound(): Pending[] {
    const round: Pending[] = [];
    const blocked = new Set<string>();
    let operations = 0;
    let rules: string | undefined;
    for (let i = 0; i < this.queue.length && operations < this.options.maxOperations;) {
      const pending = this.queue[i]!;
      const streams = pending.operations.map((o) => o.streamId);
      const free = streams.every((s) => !this.busy.has(s) && !blocked.has(s));
      // A big write (a 1,000-operation batch) or one that must run alone takes a round of its own: a small write
      // in the same round would wait for all of its deciding and signing.
      const alone = pending.solo || pending.context.alone === true || pending.operations.length > ALONE_ABOVE;
      const fits = (!alone || round.length === 0) && (pending.context.rules === undefined || rules === undefined || pending.context.rules === rules);
      if (!free || !fits) {
        streams.forEach((s) => blocked.add(s));
        i++;
        continue;
      }
      round.push(pending);
      rules ??= pending.context.rules;
      operations += pending.operations.length;
      this.queue.splice(i, 1);
      if (alone) break;
    }
    return round;
  }

  private async run(round: Pending[]): Promise<void> {
    const live = round.filter((p) => {
      if (Date.now() <= p.deadline) return true;
      p.reject(new TagHistoryError('CONFLICT', 'the streams of this write are changing too fast; retry', { deadlineMs: this.options.deadlineMs }));
      return false;
    });
    if (live.length === 0) return;
    const started = performance.now();
    this.observer?.roundStarted(live.map((p) => started - p.queuedAt));
    const operations = live.reduce((n, p) => n + p.operations.length, 0);
    let committing = started;
    let events = 0;
    try {
      const heads = await this.headsOf(live);
      const decided = this.decide(live, heads);
      const prepared = await this.prepare(decided, heads);
      events = prepared.events.length;
      committing = performance.now();
      const rules = live.find((p) => p.context.rules !== undefined)?.context.rules;
      const outcome = await appendBatch(this.db, { streams: prepared.streams, events: prepared.events, keys: prepared.keys, ...(rules ? { rules } : {}) });
      this.observer?.roundEnded(outcome.kind, operations, events, performance.now() - committing);
      this.settle(decided, prepared.signed, prepared.streams, outcome);
    } catch (error) {
      this.observer?.roundEnded('failed', operations, events, performance.now() - committing);
      this.failed(live, error);
    }
  }

  /** Heads from memory, the rest from the database in one query. */
  private async headsOf(round: Pending[]): Promise<Map<string, StreamHead>> {
    const ids = [...new Set(round.flatMap((p) => p.operations.map((o) => o.streamId)))];
    const heads = new Map<string, StreamHead>();
    const missing = ids.filter((id) => {
      const head = this.heads.get(id);
      if (head) heads.set(id, head);
      return !head;
    });
    if (missing.length > 0) for (const [id, head] of await readStreamHeads(this.db, missing)) heads.set(id, head);
    return heads;
  }

  /** Each write on the state the writes before it left; a refused write leaves nothing behind. */
  private decide(round: Pending[], heads: Map<string, StreamHead>): Decided[] {
    const states = new Map<string, unknown>();
    return round.map((pending) => {
      const local = new Map<string, unknown>();
      const results: Decided['results'] = [];
      const events: NewEvent[] = [];
      const streams: string[] = [];
      for (const [index, { streamId, decider, command }] of pending.operations.entries()) {
        const state = local.has(streamId)
          ? local.get(streamId)
          : states.has(streamId)
            ? states.get(streamId)
            : (heads.get(streamId)!.snapshot ?? decider.initialState);
        let made: NewEvent[];
        try {
          made = decider.decide(command, state);
        } catch (error) {
          return { pending, results: [], events: [], streams: [], error: pending.context.refusal ? pending.context.refusal(index, error) : error };
        }
        const next = made.reduce(decider.evolve, state);
        local.set(streamId, next);
        results.push({ state: next, count: made.length });
        for (const event of made) {
          events.push(event);
          streams.push(streamId);
        }
      }
      local.forEach((state, id) => states.set(id, state));
      return { pending, results, events, streams };
    });
  }

  /** Versions, signatures in chain order, and the batch the database call takes. */
  private async prepare(decided: Decided[], heads: Map<string, StreamHead>) {
    const tips = new Map([...heads].map(([id, h]) => [id, { version: h.version, lastHash: h.lastHash, snapshot: h.snapshot }]));
    const events: BatchEvent[] = [];
    const signed: SignedEvent[][] = [];
    const keys: BatchKey[] = [];
    for (const d of decided) {
      const mine: SignedEvent[] = [];
      signed.push(mine);
      if (d.error) continue;
      const { actor, tokenId, time, idempotency } = d.pending.context;
      for (const [k, event] of d.events.entries()) {
        const tip = tips.get(d.streams[k]!)!;
        const s = await signEvent(this.key, {
          stream: d.streams[k]!,
          version: ++tip.version,
          type: event.type,
          data: event.data,
          actor,
          ...(tokenId !== undefined ? { jti: tokenId } : {}),
          time: time.toISOString(),
          prev: tip.lastHash,
        });
        tip.lastHash = s.hash;
        mine.push(s);
        // Signing is synchronous CPU: a big round lets other requests in every so often instead of holding the event loop.
        if (events.length % ALONE_ABOVE === ALONE_ABOVE - 1) await new Promise((resolve) => setImmediate(resolve));
        const ref = this.options.references(event);
        events.push({ i: events.length + 1, ...toBatchEvent(s), ...(ref ? { refRepository: ref.repository, refDigest: ref.digest } : {}) });
      }
      d.results.forEach((r, k) => (tips.get(d.pending.operations[k]!.streamId)!.snapshot = r.state));
      if (idempotency && mine.length > 0) {
        const result = { states: d.results.map((r) => r.state), counts: d.results.map((r) => r.count) };
        keys.push({ actor: idempotency.actor, key: idempotency.key, owner: idempotency.owner, result, offset: events.length - mine.length + 1 });
      }
    }
    // Every stream of the round is checked, also those only refused or left unchanged: their answer is only as good as their head.
    const streams: BatchStream[] = [...tips].map(([id, tip]) => ({ id, expected: heads.get(id)!.version, ...tip }));
    return { streams, events, keys, signed };
  }

  private settle(decided: Decided[], signed: SignedEvent[][], streams: BatchStream[], outcome: AppendOutcome): void {
    switch (outcome.kind) {
      case 'stale':
        outcome.heads.forEach((head, id) => this.heads.set(id, head));
        this.requeue(decided.map((d) => d.pending));
        return;
      case 'rules': {
        const decidedUnder = decided.map((d) => d.pending).filter((p) => p.context.rules !== undefined);
        decidedUnder.forEach((p) => p.reject(new RulesChanged(outcome.current)));
        this.requeue(decided.map((d) => d.pending).filter((p) => p.context.rules === undefined));
        return;
      }
      case 'leased': {
        // Events are numbered from 1 in round order; find whose each hit is.
        const refused = new Map<Pending, LeaseHit>();
        let first = 1;
        decided.forEach((d, k) => {
          const hit = outcome.hits.find((h) => h.index >= first && h.index < first + signed[k]!.length);
          if (hit) refused.set(d.pending, hit);
          first += signed[k]!.length;
        });
        refused.forEach((hit, pending) => pending.reject(this.options.leaseRefusal(hit)));
        this.requeue(decided.map((d) => d.pending).filter((p) => !refused.has(p)));
        return;
      }
      case 'checked':
      case 'appended': {
        for (const s of streams) this.heads.set(s.id, { version: s.version, lastHash: s.lastHash, snapshot: s.snapshot });
        let position = outcome.kind === 'appended' ? outcome.position : 0;
        const recorded = signed.map((mine) => mine.map((s) => toRecordedEvent(s, position++)));
        // A write that appended nothing had its heads checked under their locks: any copy at the round's end has them.
        const roundEnd = outcome.kind === 'appended' ? position - 1 : outcome.head;
        this.committed(recorded.flat());
        decided.forEach((d, k) => {
          if (d.error) return d.pending.reject(d.error);
          let next = 0;
          const results = d.results.map((r) => ({ state: r.state, events: recorded[k]!.slice(next, (next += r.count)) }));
          d.pending.resolve({ results, readable: lastPosition(results) || roundEnd });
        });
        return;
      }
      default: {
        const unknown: never = outcome;
        throw new Error(`unknown append outcome ${JSON.stringify(unknown)}`);
      }
    }
  }

  private committed(events: RecordedEvent[]): void {
    if (events.length > 0) this.committedListeners.forEach((listener) => listener(events));
  }

  /** Back to the front of the queue, in their order: they keep their place ahead of later writes. */
  private requeue(pendings: Pending[]): void {
    this.queue.unshift(...pendings);
  }

  /**
   * A round that failed for no reason its writes were told: the database is
   * down (everyone hears it), or one write's data broke the statement. Then
   * each write runs alone, so the failure stays with the write that caused it.
   */
  private failed(round: Pending[], error: unknown): void {
    if (round.length === 1 || isUnavailableError(error)) {
      round.forEach((p) => p.reject(error));
      return;
    }
    this.requeue(round.map((p) => ({ ...p, solo: true })));
  }
}

function lastPosition(results: OperationResult[]): number {
  return Math.max(0, ...results.flatMap((r) => r.events.map((e) => e.position)));
}

function toBatchEvent({ payload, jws, hash }: SignedEvent): Omit<BatchEvent, 'i'> {
  return {
    stream: payload.stream,
    version: payload.version,
    type: payload.type,
    data: payload.data,
    actor: payload.actor,
    time: payload.time,
    jws,
    hash,
    prev: payload.prev,
  };
}

function toRecordedEvent({ payload, jws, hash }: SignedEvent, position: number): RecordedEvent {
  return {
    position,
    streamId: payload.stream,
    version: payload.version,
    type: payload.type,
    data: payload.data,
    actor: payload.actor,
    recordedAt: new Date(payload.time),
    jws,
    hash,
    prevHash: payload.prev,
  };
}
