import type { RetentionPolicy } from '../gc/retention-policy';

/** Digests grouped by repository: the compact form a sweep's lists take in the log. */
export type DigestsByRepository = Record<string, string[]>;

/**
 * One chunk of a sweep's candidates. `leased` is the part of `candidates`
 * that nothing referenced at log position `asOf` (the handler reads it); the
 * append checks that nothing referenced them since, so the event records
 * exactly what the sweep may delete.
 */
export type SweepChunk = {
  candidates: DigestsByRepository;
  asOf: number;
  leased: DigestsByRepository;
};

/** Starts a sweep with its first chunk; `count` is the number of candidates of all chunks. */
export type StartSweep = {
  type: 'StartSweep';
  data: { id: string; cursor: number; retention: RetentionPolicy; leaseUntil: string; count: number } & SweepChunk;
};

/** Another chunk of a started sweep's candidates: a big sweep is recorded, and leases, a bounded chunk at a time. */
export type ExtendSweep = {
  type: 'ExtendSweep';
  data: { id: string; now: Date } & SweepChunk;
};

/** `leased` is the part of `deleted` the sweep leased (the handler reads it): a sweep may only report deleting that. */
export type CloseSweep = {
  type: 'CloseSweep';
  data: { id: string; count: number; deleted: DigestsByRepository; leased: DigestsByRepository; now: Date };
};

export type SweepCommand = StartSweep | ExtendSweep | CloseSweep;
