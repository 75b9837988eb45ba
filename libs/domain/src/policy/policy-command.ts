import type { PolicySpec } from './policy';

/** Create or change: `expectedVersion` from If-Match, `createOnly` from If-None-Match: *. */
export type PutPolicy = { type: 'PutPolicy'; data: { id: string; policy: PolicySpec; expectedVersion?: number; createOnly?: boolean } };

export type DeletePolicy = { type: 'DeletePolicy'; data: { id: string; expectedVersion?: number } };

export type PolicyCommand = PutPolicy | DeletePolicy;
