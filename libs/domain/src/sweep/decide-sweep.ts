import { TagHistoryError } from '../errors/tag-history-error';
import type { DigestsByRepository, SweepCommand } from './sweep-command';
import type { SweepEvent } from './sweep-event';
import type { SweepState } from './sweep-state';

export function decideSweep(command: SweepCommand, state: SweepState): SweepEvent[] {
  switch (command.type) {
    case 'StartSweep':
      // Ids are random UUIDs: a second start means a bug, not a retry.
      if (state.status !== 'none') throw new TagHistoryError('CONFLICT', `sweep ${command.data.id} already exists`, { id: command.data.id });
      return [{ type: 'GcSweepStarted', data: command.data }];
    case 'ExtendSweep': {
      const { now, ...data } = command.data;
      assertOpen(data.id, state, now);
      return [{ type: 'GcSweepExtended', data: { ...data, leaseUntil: state.leaseUntil! } }];
    }
    case 'CloseSweep': {
      const { id, count, deleted, leased, now } = command.data;
      assertOpen(id, state, now);
      const unleased = notLeased(deleted, leased);
      if (unleased) {
        throw new TagHistoryError('DIGEST_NOT_LEASED', `sweep ${id} did not lease ${unleased.repository}@${unleased.digest}`, { id, ...unleased });
      }
      return [{ type: 'GcSweepClosed', data: { id, count, deleted } }];
    }
    default: {
      const unknown: never = command;
      throw new Error(`unknown sweep command ${JSON.stringify(unknown)}`);
    }
  }
}

function assertOpen(id: string, state: SweepState, now: Date): void {
  if (state.status === 'none') throw new TagHistoryError('SWEEP_UNKNOWN', `sweep ${id} does not exist`, { id });
  if (state.status === 'closed') throw new TagHistoryError('SWEEP_EXPIRED', `sweep ${id} is already closed`, { id });
  if (now.getTime() >= Date.parse(state.leaseUntil!)) {
    throw new TagHistoryError('SWEEP_EXPIRED', `the lease of sweep ${id} ended at ${state.leaseUntil}`, { id, leaseUntil: state.leaseUntil });
  }
}

/** The first deleted digest the sweep never leased. */
function notLeased(deleted: DigestsByRepository, leased: DigestsByRepository): { repository: string; digest: string } | undefined {
  for (const [repository, digests] of Object.entries(deleted)) {
    const mine = new Set(Object.hasOwn(leased, repository) ? leased[repository] : []);
    const digest = digests.find((d) => !mine.has(d));
    if (digest !== undefined) return { repository, digest };
  }
  return undefined;
}
