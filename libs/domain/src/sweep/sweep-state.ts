export interface SweepState {
  version: number;
  id: string | null;
  status: 'none' | 'open' | 'closed';
  leaseUntil: string | null;
}

export const initialSweepState: SweepState = { version: 0, id: null, status: 'none', leaseUntil: null };

/** Repository names never start with "_", so sweep streams never collide with tag or pin streams. */
export function sweepStreamId(id: string): string {
  return `_gc/sweeps/${id}`;
}
