import type { RetentionPolicy } from '../gc/retention-policy';
import type { DigestsByRepository } from './sweep-command';

/**
 * A GC job's sweep began. Which candidates it leases is not in the event: the
 * projection decides that inside the append's transaction, under the log
 * head lock, from every event committed before it (see gc-sweeps.projection).
 */
export type GcSweepStarted = {
  type: 'GcSweepStarted';
  data: { id: string; cursor: number; retention: RetentionPolicy; leaseUntil: string; count: number; candidates: DigestsByRepository };
};

/** The job reports what it deleted; the leases end. */
export type GcSweepClosed = {
  type: 'GcSweepClosed';
  data: { id: string; count: number; deleted: DigestsByRepository };
};

export type SweepEvent = GcSweepStarted | GcSweepClosed;

export const SWEEP_EVENT_TYPES: readonly SweepEvent['type'][] = ['GcSweepStarted', 'GcSweepClosed'];
