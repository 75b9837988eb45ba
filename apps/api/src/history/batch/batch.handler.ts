import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { decide, evolve, initialTagState, type TagEvent, TagHistoryError, type TagState, tagStreamId } from '@tag-history/domain';
import { type AppendRequest, EventStore, StreamConflictError, type StreamHead } from '@tag-history/event-store';
import { CLOCK, type Clock } from '../../infrastructure/clock';
import type { TagWriteResult } from '../../tags/execute-tag-command';
import { BatchCommand } from './batch.command';
import { atIndex } from './batch.request';

const MAX_ATTEMPTS = 64;

/**
 * Decides every operation on its tag's current state and appends all the
 * events as one unit. When another writer moved one of the tags meanwhile,
 * the whole batch is decided again: an operation with an expected version
 * then fails its precondition (naming its index), the others apply on top.
 * Heads come from the event store's memory first, as for single writes.
 */
@CommandHandler(BatchCommand)
export class BatchHandler implements ICommandHandler<BatchCommand, TagWriteResult[]> {
  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ operations, actor, tokenId }: BatchCommand): Promise<TagWriteResult[]> {
    const streamIds = operations.map(({ command }) => tagStreamId(command.data.repository, command.data.tag));
    let fresh = false;
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const heads = await Promise.all(streamIds.map((id) => this.store.readStreamHead<TagState>(id, { fresh })));
      const decided = this.decideAll(operations, heads, fresh);
      fresh = true;
      // A head from memory may be stale: a refusal or a no-op decided on it is checked again on the database's head.
      if (!decided) continue;
      const writing = decided.flatMap((d, i) => (d.events.length > 0 ? [i] : []));
      if (writing.length === 0) return decided.map((d) => ({ state: d.state, events: [] }));
      const time = this.clock();
      const requests: AppendRequest[] = writing.map((i) => ({
        streamId: streamIds[i]!,
        expected: heads[i]!,
        events: decided[i]!.events,
        snapshot: decided[i]!.next,
        actor,
        tokenId,
        time,
      }));
      try {
        const recorded = await this.store.append(requests);
        return decided.map((d, i) => {
          const k = writing.indexOf(i);
          return k === -1 ? { state: d.state, events: [] } : { state: d.next, events: recorded[k]! };
        });
      } catch (error) {
        if (!(error instanceof StreamConflictError)) throw error;
      }
    }
    throw new TagHistoryError('CONFLICT', 'the tags of this batch are changing too fast; retry', { attempts: MAX_ATTEMPTS });
  }

  /** Every operation decided on its head; undefined when a head from memory refused or changed nothing. */
  private decideAll(operations: BatchCommand['operations'], heads: StreamHead<TagState>[], fresh: boolean) {
    const decided = [];
    for (const [i, { command }] of operations.entries()) {
      const head = heads[i]!;
      const state = head.snapshot ?? initialTagState;
      let events: TagEvent[];
      try {
        events = atIndex(i, () => decide(command, state));
      } catch (error) {
        if (!fresh && head.cached) return undefined;
        throw error;
      }
      if (events.length === 0 && !fresh && head.cached) return undefined;
      decided.push({ state, events, next: events.reduce(evolve, state) });
    }
    return decided;
  }
}
