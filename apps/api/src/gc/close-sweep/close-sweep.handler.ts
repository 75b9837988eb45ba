import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { DATABASE, type Database } from '@tag-history/database';
import { sweepDecider, type SweepState, sweepStreamId } from '@tag-history/domain';
import { EventStore, type OperationResult } from '@tag-history/event-store';
import type { Kysely } from 'kysely';
import { CLOCK, type Clock } from '../../infrastructure/clock';
import { CloseSweepCommand } from './close-sweep.command';
import { leasedBySweep } from './leased-by-sweep';

/** Loads which of the reported digests the sweep leased (only its own events change that), decides, appends. */
@CommandHandler(CloseSweepCommand)
export class CloseSweepHandler implements ICommandHandler<CloseSweepCommand, OperationResult<SweepState>> {
  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(DATABASE) private readonly db: Kysely<Database>,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ id, deleted, writer }: CloseSweepCommand): Promise<OperationResult<SweepState>> {
    const now = this.clock();
    const leased = await leasedBySweep(this.db, id, deleted.byRepository);
    const command = { type: 'CloseSweep', data: { id, count: deleted.count, deleted: deleted.byRepository, leased, now } } as const;
    const [result] = await this.store.write<SweepState>([{ streamId: sweepStreamId(id), decider: sweepDecider, command }], { ...writer, time: now });
    return result!;
  }
}
