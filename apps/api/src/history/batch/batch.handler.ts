import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { decide, evolve, initialTagState, TagHistoryError, type TagState, tagStreamId } from '@tag-history/domain';
import { type AppendRequest, EventStore, StreamConflictError } from '@tag-history/event-store';
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
 */
@CommandHandler(BatchCommand)
export class BatchHandler implements ICommandHandler<BatchCommand, TagWriteResult[]> {
  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ operations, actor, tokenId }: BatchCommand): Promise<TagWriteResult[]> {
    for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
      const streamIds = operations.map(({ command }) => tagStreamId(command.data.repository, command.data.tag));
      const heads = await Promise.all(streamIds.map((id) => this.store.readStreamHead<TagState>(id)));
      const time = this.clock();
      const decided = operations.map(({ command }, i) => {
        const state = heads[i]!.snapshot ?? initialTagState;
        const events = atIndex(i, () => decide(command, state));
        return { state, events, next: events.reduce(evolve, state) };
      });
      const writing = decided.flatMap((d, i) => (d.events.length > 0 ? [i] : []));
      if (writing.length === 0) return decided.map((d) => ({ state: d.state, events: [] }));
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
}
