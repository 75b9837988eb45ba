import type { DigestsByRepository } from './sweep-command';

export interface SweepState {
  version: number;
  id: string | null;
  status: 'none' | 'open' | 'closed';
  leaseUntil: string | null;
  /** What the sweep leased: all it may report deleted. */
  leased: DigestsByRepository;
}

export const initialSweepState: SweepState = { version: 0, id: null, status: 'none', leaseUntil: null, leased: {} };

/** Repository names never start with "_", so sweep streams never collide with tag or pin streams. */
export function sweepStreamId(id: string): string {
  return `_gc/sweeps/${id}`;
}
