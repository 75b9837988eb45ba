import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { tagDeciderUnder, type TagState, tagStreamId } from '@tag-history/domain';
import { EventStore } from '@tag-history/event-store';
import { CLOCK, type Clock } from '../../infrastructure/clock';
import { PolicyBook } from '../../policies/policy-book';
import type { TagWriteResult } from '../../tags/execute-tag-command';
import { BatchCommand } from './batch.command';
import { namedByIndex } from './batch.request';

/** Every operation decided in order, each on the state the one before left; all commit together or none does. */
@CommandHandler(BatchCommand)
export class BatchHandler implements ICommandHandler<BatchCommand, TagWriteResult[]> {
  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly policies: PolicyBook,
  ) {}

  execute({ operations, writer }: BatchCommand): Promise<TagWriteResult[]> {
    return PolicyBook.under(this.policies, ({ policies, rules }) => {
      const decider = tagDeciderUnder(policies);
      const writes = operations.map(({ command }) => ({ streamId: tagStreamId(command.data.repository, command.data.tag), decider, command }));
      return this.store.write<TagState>(writes, { ...writer, time: this.clock(), refusal: namedByIndex, rules });
    });
  }
}
