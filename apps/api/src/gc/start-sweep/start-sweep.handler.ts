import { randomUUID } from 'node:crypto';
import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { DATABASE, type Database } from '@tag-history/database';
import {
  type DigestsByRepository,
  effectiveRetention,
  type SweepCommand,
  sweepDecider,
  type SweepState,
  sweepStreamId,
  TagHistoryError,
} from '@tag-history/domain';
import { EventStore, type Writer } from '@tag-history/event-store';
import type { Kysely } from 'kysely';
import { CLOCK, type Clock } from '../../infrastructure/clock';
import { GC_SETTINGS, type GcSettings } from '@tag-history/config';
import { CandidateReferencedError } from './candidate-referenced-error';
import { type SweepStarted, StartSweepCommand } from './start-sweep.command';
import { unreferencedCandidates } from './unreferenced-candidates';

/**
 * Candidates per event. A sweep's leases are checked and written under the
 * log head lock, which every write waits for: in chunks this size, a sweep of
 * a million candidates holds it for a few milliseconds at a time, and each
 * event stays a few hundred kilobytes.
 */
export const SWEEP_CHUNK = 5_000;
/** How long one chunk may keep finding its candidates referenced by concurrent writes before the start answers 409. */
const DEADLINE_MS = 10_000;

/**
 * For each chunk of candidates: load which are unreferenced, decide, append.
 * The append refuses a chunk if a write referenced one of them after the
 * position the load read at; that chunk is then loaded again.
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
    const policy = effectiveRetention(this.settings.retention, retention);
    const start = this.clock();
    const leaseUntil = new Date(start.getTime() + this.settings.leaseMs).toISOString();
    let state: SweepState | undefined;
    for (const [k, chunk] of chunks(candidates.byRepository, SWEEP_CHUNK).entries()) {
      state = await this.append(writer, async () => {
        const now = this.clock();
        const { asOf, leased } = await unreferencedCandidates(this.db, chunk, policy, cursor, now);
        if (cursor > asOf) throw new TagHistoryError('PARAMETER_INVALID', `cursor ${cursor} is beyond the log head ${asOf}`, { cursor, head: asOf });
        const data = { id, candidates: chunk, asOf, leased };
        const command: SweepCommand =
          k === 0
            ? { type: 'StartSweep', data: { ...data, cursor, retention: policy, leaseUntil, count: candidates.count } }
            : { type: 'ExtendSweep', data: { ...data, now } };
        return { command, now };
      });
      // A replayed Idempotency-Key answers with what its first run recorded: one write, nothing more to do.
      if (writer.idempotency?.recorded) break;
    }
    return { id: state!.id!, leaseUntil: state!.leaseUntil! };
  }

  private async append(writer: Writer, decide: () => Promise<{ command: SweepCommand; now: Date }>): Promise<SweepState> {
    const deadline = Date.now() + DEADLINE_MS;
    for (;;) {
      const { command, now } = await decide();
      try {
        const [result] = await this.store.write<SweepState>([{ streamId: sweepStreamId(command.data.id), decider: sweepDecider, command }], {
          ...writer,
          time: now,
        });
        return result!.state;
      } catch (error) {
        if (!(error instanceof CandidateReferencedError) || Date.now() > deadline) throw error;
      }
    }
  }
}

/** At least one chunk (a sweep of no candidates still starts), each of at most `size` digests. */
function chunks(byRepository: DigestsByRepository, size: number): DigestsByRepository[] {
  const out: DigestsByRepository[] = [{}];
  let count = 0;
  for (const [repository, digests] of Object.entries(byRepository)) {
    for (const digest of digests) {
      if (count === size) {
        out.push({});
        count = 0;
      }
      (out[out.length - 1]![repository] ??= []).push(digest);
      count++;
    }
  }
  return out;
}
