import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { DATABASE, type Database } from '@tag-history/database';
import { effectiveRetention, TagHistoryError, sweepStreamId } from '@tag-history/domain';
import { EventStore } from '@tag-history/event-store';
import type { Kysely } from 'kysely';
import { CLOCK, type Clock } from '../../infrastructure/clock';
import { executeDecider } from '../../infrastructure/execute-decider';
import { GC_SETTINGS, type GcSettings } from '../gc-settings';
import { sweepDecider } from '../sweep-decider';
import { type SweepStarted, StartSweepCommand } from './start-sweep.command';

@CommandHandler(StartSweepCommand)
export class StartSweepHandler implements ICommandHandler<StartSweepCommand, SweepStarted> {
  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(DATABASE) private readonly db: Kysely<Database>,
    @Inject(GC_SETTINGS) private readonly settings: GcSettings,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ cursor, retention, candidates, actor, tokenId }: StartSweepCommand): Promise<SweepStarted> {
    const head = await this.db.selectFrom('log_head').select('position').executeTakeFirstOrThrow();
    if (cursor > head.position) {
      throw new TagHistoryError('PARAMETER_INVALID', `cursor ${cursor} is beyond the log head ${head.position}`, { cursor, head: head.position });
    }
    const id = randomUUID();
    const leaseUntil = new Date(this.clock().getTime() + this.settings.leaseMs).toISOString();
    const data = { id, cursor, retention: effectiveRetention(this.settings.retention, retention), leaseUntil, count: candidates.count, candidates: candidates.byRepository };
    await executeDecider(this.store, sweepDecider, sweepStreamId(id), { type: 'StartSweep', data }, actor, this.clock, tokenId);
    return { id, leaseUntil };
  }
}
