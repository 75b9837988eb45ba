import type { RetentionPolicy } from '../gc/retention-policy';

/** Digests grouped by repository: the compact form a sweep's lists take in the log. */
export type DigestsByRepository = Record<string, string[]>;

/**
 * `leased` is the part of `candidates` that nothing referenced at log position
 * `asOf` (the handler reads it); the append checks that nothing referenced
 * them since, so the event records exactly what the sweep may delete.
 */
export type StartSweep = {
  type: 'StartSweep';
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

export type CloseSweep = {
  type: 'CloseSweep';
  data: { id: string; count: number; deleted: DigestsByRepository; now: Date };
};

export type SweepCommand = StartSweep | CloseSweep;
