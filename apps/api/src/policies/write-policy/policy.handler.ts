import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { policyDecider, type PolicyState, policyStreamId } from '@tag-history/domain';
import { EventStore, type OperationResult } from '@tag-history/event-store';
import { CLOCK, type Clock } from '../../infrastructure/clock';
import { PolicyCommand } from './policy.command';

@CommandHandler(PolicyCommand)
export class PolicyHandler implements ICommandHandler<PolicyCommand, OperationResult<PolicyState>> {
  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ command, writer }: PolicyCommand): Promise<OperationResult<PolicyState>> {
    const streamId = policyStreamId(command.data.id);
    const [result] = await this.store.write<PolicyState>([{ streamId, decider: policyDecider, command }], { ...writer, time: this.clock() });
    return result!;
  }
}
