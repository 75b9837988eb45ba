import type { Database } from '@tag-history/database';
import { type SignedEvent, type SigningKey, signEvent } from '@tag-history/signing';
import type { Kysely } from 'kysely';
import { GroupCommit, type GroupCommitOptions } from './group-commit';
import type { Projector } from './projector';
import { readStreamHead, type StreamHead } from './read-stream-head';
import type { RecordedEvent } from './recorded-event';
import { StreamConflictError } from './stream-conflict-error';
import { StreamHeadCache } from './stream-head-cache';

export interface NewEvent {
  type: string;
  data: Record<string, unknown>;
}

export interface AppendRequest {
  streamId: string;
  /** The head the events were decided on; the append fails if the stream has moved since. */
  expected: Pick<StreamHead, 'version' | 'lastHash'>;
  events: NewEvent[];
  /** The decider state after `events`, kept so the next command need not replay the stream. */
  snapshot: unknown;
  actor: string;
  /** The `jti` of the token the actor authenticated with, when there was one. */
  tokenId?: string;
  time: Date;
}

export class EventStore {
  private readonly groupCommit: GroupCommit;
  private readonly heads = new StreamHeadCache(100_000);

  constructor(
    private readonly db: Kysely<Database>,
    private readonly key: SigningKey,
    project: Projector,
    options: GroupCommitOptions,
  ) {
    this.groupCommit = new GroupCommit(db, project, options);
  }

  /**
   * Where a stream is: as this instance last saw it, or, with `fresh`, as
   * the database has it. Decide on a cached head only what an append will
   * check: a refusal or a no-op decided on it must be decided again fresh.
   */
  async readStreamHead<S>(streamId: string, options: { fresh?: boolean } = {}): Promise<StreamHead<S>> {
    const cached = options.fresh ? undefined : this.heads.get(streamId);
    if (cached) return { ...(cached as StreamHead<S>), cached: true };
    const head = await readStreamHead<S>(this.db, streamId);
    this.heads.offer(streamId, head);
    return head;
  }

  /**
   * Appends to one or more streams atomically. Signing happens here, before
   * the batch, so signatures are made in parallel by concurrent requests and
   * never while a transaction is open. Rejects with StreamConflictError when
   * any expectation is stale; then nothing is written.
   */
  async append(requests: AppendRequest[]): Promise<RecordedEvent[][]> {
    const unit = await Promise.all(
      requests.map(async (r) => ({
        streamId: r.streamId,
        expectedVersion: r.expected.version,
        events: await this.sign(r),
        snapshot: r.snapshot,
      })),
    );
    try {
      const recorded = await this.groupCommit.submit(unit);
      unit.forEach((a) => {
        const last = a.events[a.events.length - 1]!;
        this.heads.offer(a.streamId, { version: last.payload.version, lastHash: last.hash, snapshot: a.snapshot });
      });
      return recorded;
    } catch (error) {
      if (error instanceof StreamConflictError) this.heads.forget(error.streamId);
      else unit.forEach((a) => this.heads.forget(a.streamId));
      throw error;
    }
  }

  private async sign(request: AppendRequest): Promise<SignedEvent[]> {
    const signed: SignedEvent[] = [];
    let prev = request.expected.lastHash;
    let version = request.expected.version;
    for (const event of request.events) {
      const s = await signEvent(this.key, {
        stream: request.streamId,
        version: ++version,
        type: event.type,
        data: event.data,
        actor: request.actor,
        ...(request.tokenId !== undefined ? { jti: request.tokenId } : {}),
        time: request.time.toISOString(),
        prev,
      });
      signed.push(s);
      prev = s.hash;
    }
    return signed;
  }
}
