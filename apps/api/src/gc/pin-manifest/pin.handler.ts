import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type PinState, pinStreamId } from '@tag-history/domain';
import { EventStore } from '@tag-history/event-store';
import { CLOCK, type Clock } from '../../infrastructure/clock';
import { type DeciderResult, executeDecider } from '../../infrastructure/execute-decider';
import { pinDecider } from '../pin-decider';
import { PinCommand } from './pin.command';

@CommandHandler(PinCommand)
export class PinHandler implements ICommandHandler<PinCommand, DeciderResult<PinState>> {
  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  execute({ command, actor, tokenId }: PinCommand): Promise<DeciderResult<PinState>> {
    const { repository, digest } = command.data;
    return executeDecider(this.store, pinDecider, pinStreamId(repository, digest), command, actor, this.clock, tokenId);
  }
}
