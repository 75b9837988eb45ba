import type autocannon from 'autocannon';

// Request factories run in the load driver process (see driver/load-spec.ts).

export interface LogProofParams {
  /** The latest signed tree size. */
  size: number;
  /** Signed sizes to prove consistency from. */
  from: number[];
}

/** An inclusion proof of a random position against the latest checkpoint. */
export function inclusionRequests({ size }: LogProofParams): autocannon.Request[] {
  return [{ method: 'GET', setupRequest: (r) => ({ ...r, path: `/v2/_log/proof/inclusion?position=${1 + Math.floor(Math.random() * size)}&size=${size}` }) }];
}

/** A consistency proof from a random signed size to the latest. */
export function consistencyRequests({ size, from }: LogProofParams): autocannon.Request[] {
  return [
    { method: 'GET', setupRequest: (r) => ({ ...r, path: `/v2/_log/proof/consistency?from=${from[Math.floor(Math.random() * from.length)]}&to=${size}` }) },
  ];
}

export const logRequests = (name: 'inclusionRequests' | 'consistencyRequests', params: LogProofParams) => ({ module: __filename, name, params });
