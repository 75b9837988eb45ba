import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { pinDecider, type PinState, pinStreamId } from '@tag-history/domain';
import { EventStore, type OperationResult } from '@tag-history/event-store';
import { CLOCK, type Clock } from '../infrastructure/clock';
import { PinCommand } from './pin.command';

@CommandHandler(PinCommand)
export class PinHandler implements ICommandHandler<PinCommand, OperationResult<PinState>> {
  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ command, writer }: PinCommand): Promise<OperationResult<PinState>> {
    const streamId = pinStreamId(command.data.repository, command.data.digest);
    const [result] = await this.store.write<PinState>([{ streamId, decider: pinDecider, command }], { ...writer, time: this.clock() });
    return result!;
  }
}
