import type { SignedEvent } from '@tag-history/signing';

/** One stream's share of a unit: its signed events, checked against `expectedVersion`. */
export interface SignedAppend {
  streamId: string;
  expectedVersion: number;
  events: SignedEvent[];
  snapshot: unknown;
}

/** Appends that commit together or not at all. */
export type Unit = SignedAppend[];
