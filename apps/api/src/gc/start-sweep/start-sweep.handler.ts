import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { DATABASE, type Database } from '@tag-history/database';
import { effectiveRetention, type StartSweep, sweepDecider, type SweepState, sweepStreamId, TagHistoryError } from '@tag-history/domain';
import { EventStore } from '@tag-history/event-store';
import type { Kysely } from 'kysely';
import { CLOCK, type Clock } from '../../infrastructure/clock';
import { GC_SETTINGS, type GcSettings } from '../gc-settings';
import { CandidateReferencedError } from './candidate-referenced-error';
import { type SweepStarted, StartSweepCommand } from './start-sweep.command';
import { unreferencedCandidates } from './unreferenced-candidates';

/** How long a start may keep finding its candidates referenced by concurrent writes before it answers 409. */
const DEADLINE_MS = 10_000;

/**
 * Loads which candidates are unreferenced, decides, appends. The append
 * refuses the sweep if a write referenced one of them after the position the
 * load read at; the load is then read again.
 */
@CommandHandler(StartSweepCommand)
export class StartSweepHandler implements ICommandHandler<StartSweepCommand, SweepStarted> {
  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(DATABASE) private readonly db: Kysely<Database>,
    @Inject(GC_SETTINGS) private readonly settings: GcSettings,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  async execute({ cursor, retention, candidates, writer }: StartSweepCommand): Promise<SweepStarted> {
    const id = randomUUID();
    const deadline = Date.now() + DEADLINE_MS;
    for (;;) {
      const now = this.clock();
      const policy = effectiveRetention(this.settings.retention, retention);
      const { asOf, leased } = await unreferencedCandidates(this.db, candidates.byRepository, policy, cursor, now);
      if (cursor > asOf) {
        throw new TagHistoryError('PARAMETER_INVALID', `cursor ${cursor} is beyond the log head ${asOf}`, { cursor, head: asOf });
      }
      const leaseUntil = new Date(now.getTime() + this.settings.leaseMs).toISOString();
      const command: StartSweep = {
        type: 'StartSweep',
        data: { id, cursor, retention: policy, leaseUntil, count: candidates.count, candidates: candidates.byRepository, asOf, leased },
      };
      try {
        return this.started(await this.store.write<SweepState>([{ streamId: sweepStreamId(id), decider: sweepDecider, command }], { ...writer, time: now }));
      } catch (error) {
        if (!(error instanceof CandidateReferencedError) || Date.now() > deadline) throw error;
      }
    }
  }

  private started([result]: { state: SweepState }[]): SweepStarted {
    return { id: result!.state.id!, leaseUntil: result!.state.leaseUntil! };
  }
}
