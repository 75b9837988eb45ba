import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type SweepState, sweepStreamId } from '@tag-history/domain';
import { EventStore } from '@tag-history/event-store';
import { CLOCK, type Clock } from '../../infrastructure/clock';
import { type DeciderResult, executeDecider } from '../../infrastructure/execute-decider';
import { sweepDecider } from '../sweep-decider';
import { CloseSweepCommand } from './close-sweep.command';

@CommandHandler(CloseSweepCommand)
export class CloseSweepHandler implements ICommandHandler<CloseSweepCommand, DeciderResult<SweepState>> {
  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  execute({ id, deleted, actor, tokenId }: CloseSweepCommand): Promise<DeciderResult<SweepState>> {
    const data = { id, count: deleted.count, deleted: deleted.byRepository, now: this.clock() };
    return executeDecider(this.store, sweepDecider, sweepStreamId(id), { type: 'CloseSweep', data }, actor, this.clock, tokenId);
  }
}
