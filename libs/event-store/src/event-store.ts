import type { Database } from '@tag-history/database';
import { type SignedEvent, type SigningKey, signEvent } from '@tag-history/signing';
import type { Kysely } from 'kysely';
import { GroupCommit, type GroupCommitOptions } from './group-commit';
import type { Projector } from './projector';
import { readStreamHead, type StreamHead } from './read-stream-head';
import type { RecordedEvent } from './recorded-event';

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

  constructor(
    private readonly db: Kysely<Database>,
    private readonly key: SigningKey,
    project: Projector,
    options: GroupCommitOptions,
  ) {
    this.groupCommit = new GroupCommit(db, project, options);
  }

  readStreamHead<S>(streamId: string): Promise<StreamHead<S>> {
    return readStreamHead<S>(this.db, streamId);
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
    return this.groupCommit.submit(unit);
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
