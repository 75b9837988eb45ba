import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { policyDecider, type PolicyState, policyStreamId } from '@tag-history/domain';
import { EventStore, type OperationResult } from '@tag-history/event-store';
import { CLOCK, type Clock } from '../../infrastructure/clock';
import { PolicyBook } from '../policy-book';
import { PolicyCommand } from './policy.command';

@CommandHandler(PolicyCommand)
export class PolicyHandler implements ICommandHandler<PolicyCommand, OperationResult<PolicyState>> {
  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly book: PolicyBook,
  ) {}

  async execute({ command, writer }: PolicyCommand): Promise<OperationResult<PolicyState>> {
    const streamId = policyStreamId(command.data.id);
    try {
      // Alone: no tag write may share the round that changes the policies it was decided under.
      const [result] = await this.store.write<PolicyState>([{ streamId, decider: policyDecider, command }], { ...writer, time: this.clock(), alone: true });
      return result!;
    } finally {
      this.book.invalidate();
    }
  }
}
