import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { sweepDecider, type SweepState, sweepStreamId } from '@tag-history/domain';
import { EventStore, type OperationResult } from '@tag-history/event-store';
import { CLOCK, type Clock } from '../../infrastructure/clock';
import { CloseSweepCommand } from './close-sweep.command';

@CommandHandler(CloseSweepCommand)
export class CloseSweepHandler implements ICommandHandler<CloseSweepCommand, OperationResult<SweepState>> {
  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ id, deleted, writer }: CloseSweepCommand): Promise<OperationResult<SweepState>> {
    const now = this.clock();
    const command = { type: 'CloseSweep', data: { id, count: deleted.count, deleted: deleted.byRepository, now } } as const;
    const [result] = await this.store.write<SweepState>([{ streamId: sweepStreamId(id), decider: sweepDecider, command }], { ...writer, time: now });
    return result!;
  }
}
