import type { Database } from '@tag-history/database';
import { type Kysely, sql } from 'kysely';
import type { StreamHead } from './stream-head';

/** A stream of the batch: the version it was decided on, and where it ends after the batch. */
export interface BatchStream {
  id: string;
  expected: number;
  version: number;
  lastHash: string | null;
  snapshot: unknown;
}

/** An event of the batch, signed; `i` numbers them from 1 in log order. */
export interface BatchEvent {
  i: number;
  stream: string;
  version: number;
  type: string;
  data: Record<string, unknown>;
  actor: string;
  time: string;
  jws: string;
  hash: string;
  prev: string | null;
  /** The manifest this event makes referenced, checked against open GC leases. */
  refRepository?: string;
  refDigest?: string;
}

/** An Idempotency-Key whose outcome is recorded with the events; `offset` is the `i` of its first event. */
export interface BatchKey {
  actor: string;
  key: string;
  owner: string;
  result: unknown;
  offset: number;
}

/** An event of the batch (`index`, its `i`) that met a GC lease, or a sweep whose leased manifest was referenced since it decided. */
export interface LeaseHit {
  index: number;
  repository: string;
  digest: string;
  sweep: string;
  leaseUntil: string | null;
}

export type AppendOutcome =
  | { kind: 'appended'; position: number }
  /** Nothing to append, every head as expected; `head` is the log head then. */
  | { kind: 'checked'; head: number }
  | { kind: 'stale'; heads: Map<string, StreamHead> }
  | { kind: 'leased'; hits: LeaseHit[] }
  /** The batch's policies are no longer in force; `current` fingerprints those that are. */
  | { kind: 'rules'; current: string };

interface Answer {
  position?: number | null;
  head?: number | string;
  rules?: string;
  stale?: { stream: string; version: number; lastHash: string | null; snapshot: unknown }[];
  leased?: LeaseHit[];
}

/**
 * The write path's one round trip: `tag_history_append` (migrations 0006,
 * 0012) checks versions, policies and leases, appends, projects and
 * notifies, all or nothing.
 */
export async function appendBatch(
  db: Kysely<Database>,
  batch: { streams: BatchStream[]; events: BatchEvent[]; keys: BatchKey[]; rules?: string },
): Promise<AppendOutcome> {
  const { rows } = await sql<{ answer: Answer }>`select tag_history_append(${JSON.stringify(batch)}::jsonb) as answer`.execute(db);
  const answer = rows[0]!.answer;
  if (answer.stale) {
    return {
      kind: 'stale',
      heads: new Map(answer.stale.map((h) => [h.stream, { version: h.version, lastHash: h.lastHash, snapshot: h.version === 0 ? null : h.snapshot }])),
    };
  }
  if (answer.rules !== undefined) return { kind: 'rules', current: answer.rules };
  if (answer.leased) return { kind: 'leased', hits: answer.leased };
  return typeof answer.position === 'number' ? { kind: 'appended', position: answer.position } : { kind: 'checked', head: Number(answer.head) };
}
