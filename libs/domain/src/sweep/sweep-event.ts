import type { RetentionPolicy } from '../gc/retention-policy';
import type { DigestsByRepository, SweepChunk } from './sweep-command';

/**
 * A GC job's sweep began and leased `leased`: the candidates of its first
 * chunk that nothing referenced at position `asOf`, nor between `asOf` and
 * this event (checked at append). Replaying the log rebuilds exactly these leases.
 */
export type GcSweepStarted = {
  type: 'GcSweepStarted';
  data: { id: string; cursor: number; retention: RetentionPolicy; leaseUntil: string; count: number } & SweepChunk;
};

/** A further chunk of the sweep's candidates, leased like the first, until the same end. */
export type GcSweepExtended = {
  type: 'GcSweepExtended';
  data: { id: string; leaseUntil: string } & SweepChunk;
};

/** The job reports what it deleted; the leases end. */
export type GcSweepClosed = {
  type: 'GcSweepClosed';
  data: { id: string; count: number; deleted: DigestsByRepository };
};

export type SweepEvent = GcSweepStarted | GcSweepExtended | GcSweepClosed;

export const SWEEP_EVENT_TYPES: readonly SweepEvent['type'][] = ['GcSweepStarted', 'GcSweepExtended', 'GcSweepClosed'];
