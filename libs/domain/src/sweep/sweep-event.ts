import type { RetentionPolicy } from '../gc/retention-policy';
import type { DigestsByRepository } from './sweep-command';

/**
 * A GC job's sweep began and leased `leased`: the candidates nothing
 * referenced at position `asOf`, nor between `asOf` and this event (checked
 * at append). Replaying the log rebuilds exactly these leases.
 */
export type GcSweepStarted = {
  type: 'GcSweepStarted';
  data: {
    id: string;
    cursor: number;
    retention: RetentionPolicy;
    leaseUntil: string;
    count: number;
    candidates: DigestsByRepository;
    asOf: number;
    leased: DigestsByRepository;
  };
};

/** The job reports what it deleted; the leases end. */
export type GcSweepClosed = {
  type: 'GcSweepClosed';
  data: { id: string; count: number; deleted: DigestsByRepository };
};

export type SweepEvent = GcSweepStarted | GcSweepClosed;

export const SWEEP_EVENT_TYPES: readonly SweepEvent['type'][] = ['GcSweepStarted', 'GcSweepClosed'];
