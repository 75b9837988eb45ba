import type { ColumnType, Generated, JSONColumnType } from 'kysely';

/** The one schema description. Columns read as numbers are parsed as such by `connect`. */
export interface Database {
  log_head: LogHeadTable;
  streams: StreamsTable;
  events: EventsTable;
  signing_keys: SigningKeysTable;
  repositories: RepositoriesTable;
  tags: TagsTable;
  tag_history: TagHistoryTable;
  idempotency_keys: IdempotencyKeysTable;
  pins: PinsTable;
  gc_leases: GcLeasesTable;
  log_tree: LogTreeTable;
  log_tiles: LogTilesTable;
  log_checkpoints: LogCheckpointsTable;
  log_cosignatures: LogCosignaturesTable;
  registry_checks: RegistryChecksTable;
  registry_instances: RegistryInstancesTable;
  registry_reconcile_leases: RegistryReconcileLeasesTable;
  policies: PoliciesTable;
  tag_expiry: TagExpiryTable;
  policy_run_leases: PolicyRunLeasesTable;
  log_partitioning: LogPartitioningTable;
  log_archive: LogArchiveTable;
  log_archived_streams: LogArchivedStreamsTable;
}

/** A single row whose lock serialises position allocation (see docs/event-log.md). */
export interface LogHeadTable {
  id: number;
  position: number;
}

/** How `events` is partitioned (one row): positions per partition, and where the last partition made ends (exclusive). */
export interface LogPartitioningTable {
  id: number;
  size: number;
  until: number;
}

/** A segment of the log archived and detached: positions first..last, and the tree's root at size `last_position`. */
export interface LogArchiveTable {
  name: string;
  first_position: number;
  last_position: number;
  root: Uint8Array;
  /** The signed checkpoint the segment was proved into. */
  checkpoint_size: number;
  events_sha256: string;
  archived_at: Date;
}

/** Where a stream stood at the archive boundary: its last archived version and hash, and the segment holding it. */
export interface LogArchivedStreamsTable {
  stream_id: string;
  version: number;
  hash: string;
  segment: string;
  /** The client's JWS of that event (`data.jws`), when a client-signed PUT made it. */
  client_jws: unknown;
}

/** The write model: where each stream is, and a snapshot of its decider state. */
export interface StreamsTable {
  stream_id: string;
  version: number;
  last_hash: string | null;
  snapshot: ColumnType<unknown, string, string>;
}

export interface EventsTable {
  position: number;
  stream_id: string;
  version: number;
  type: string;
  data: JSONColumnType<Record<string, unknown>, string, never>;
  actor: string;
  recorded_at: ColumnType<Date, Date, never>;
  /** The compact JWS exactly as signed; its payload is the whole event. */
  jws: string;
  hash: string;
  prev_hash: string | null;
}

export interface SigningKeysTable {
  kid: string;
  public_jwk: JSONColumnType<Record<string, unknown>, string, never>;
  added_at: Generated<Date>;
  /** When the key started and stopped signing; null: since the first event / still signing. */
  valid_from: ColumnType<Date | null, Date | null | undefined, Date | null>;
  valid_until: ColumnType<Date | null, Date | null | undefined, Date | null>;
}

export interface RepositoriesTable {
  name: string;
  created_at: ColumnType<Date, Date, never>;
}

export interface TagsTable {
  repository: string;
  tag: string;
  media_type: string;
  size: number;
  digest: string;
  version: number;
  position: number;
  updated_at: Date;
  updated_by: string;
}

/** Per-tag history: the interval [from, to) in which the tag pointed at one target. */
export interface TagHistoryTable {
  repository: string;
  tag: string;
  /** The version of the event that opened the interval. */
  version: number;
  media_type: string;
  size: number;
  digest: string;
  from_position: number;
  from_time: Date;
  from_actor: string;
  /** The closing event (a move, restore or delete); null while the interval is open. */
  to_version: number | null;
  to_position: number | null;
  to_time: Date | null;
  to_actor: string | null;
}

/**
 * The first answer to a write sent with an Idempotency-Key. A row without a
 * status is a claim: its request is still running on the instance `owner`
 * until `locked_until`.
 */
export interface IdempotencyKeysTable {
  actor: string;
  key: string;
  /** sha256 over method, path, preconditions and body: "the same request". */
  fingerprint: string;
  owner: string | null;
  locked_until: Date | null;
  status: number | null;
  headers: ColumnType<Record<string, string> | null, string | null, string | null>;
  /** The answer's JSON as sent: text, because jsonb would reorder its keys. */
  body: string | null;
  created_at: Generated<Date>;
  /** The write's outcome, recorded in the transaction of its events (see the write path). */
  result: ColumnType<unknown | null, string | null, string | null>;
  /** Where the write's first event is in the log. */
  result_position: number | null;
}

/** Manifests pinned now: referenced for GC without a tag. */
export interface PinsTable {
  repository: string;
  digest: string;
  reason: string;
  pinned_by: string;
  pinned_at: Date;
  position: number;
}

/** Digests an open GC sweep may delete; writes that would reference them are refused until `lease_until`. */
export interface GcLeasesTable {
  repository: string;
  digest: string;
  sweep_id: string;
  lease_until: Date;
}

/** How far the Merkle tree over the log has integrated it (one row). */
export interface LogTreeTable {
  id: number;
  size: number;
  root: Uint8Array;
}

/** A C2SP tlog-tiles hash tile: up to 256 hashes of 32 bytes, concatenated. */
export interface LogTilesTable {
  level: number;
  index: number;
  hashes: Uint8Array;
}

/** A signed checkpoint: the note's text and the checkpoint key's signature line. */
export interface LogCheckpointsTable {
  size: number;
  root: Uint8Array;
  note: string;
  signed_at: Date;
}

/** A cosignature line served with the checkpoint of `size`, one per signer name. */
export interface LogCosignaturesTable {
  size: number;
  name: string;
  line: string;
  signed_at: Date;
}

/**
 * A hint from an upstream registry: check `tag` (or every tag on `digest`, or
 * the whole registry for a reconcile) against the registry itself. Kept after
 * `done_at` for a while so a redelivered notification is recognised.
 */
export interface RegistryChecksTable {
  id: Generated<number>;
  registry: string;
  notification_id: string;
  kind: 'push' | 'delete-tag' | 'delete-digest' | 'reconcile';
  repository: string | null;
  tag: string | null;
  /** The digest the notification named: pushed, or deleted. */
  digest: string | null;
  actor: string | null;
  request_id: string | null;
  received_at: Date;
  /** Checks that found the registry not (yet) agreeing with the notification. */
  attempts: ColumnType<number, number | undefined, number>;
  /** Checks that could not reach the registry: they delay, never drop. */
  failures: ColumnType<number, number | undefined, number>;
  not_before: Date;
  claimed_until: Date | null;
  done_at: Date | null;
}

export interface RegistryInstancesTable {
  registry: string;
  instance_id: string;
  seen_at: Date;
}

export interface RegistryReconcileLeasesTable {
  registry: string;
  holder: string;
  lease_until: Date;
}

/** The policies in force (projected from their streams); `spec` is the policy as its last event set it. */
export interface PoliciesTable {
  id: string;
  spec: JSONColumnType<Record<string, unknown>, string, string>;
  version: number;
  position: number;
  updated_at: Date;
  updated_by: string;
}

/** The `expiresAt` a tag's last change set, while that change is its current one. */
export interface TagExpiryTable {
  repository: string;
  tag: string;
  expires_at: Date;
}

/** One instance at a time runs the expire and retain policies; a crashed holder's lease runs out. */
export interface PolicyRunLeasesTable {
  name: string;
  holder: string;
  lease_until: Date;
}

/** Nest injection token for the Kysely<Database> instance. */
export const DATABASE = Symbol.for('tag-history.database');

/** Nest injection token for Connection['dedicated']: connections outside the write pool, for long reads. */
export const DEDICATED_CONNECTION = Symbol.for('tag-history.dedicated-connection');

/** Nest injection token for the Kysely<Database> that reads go to: a replica when there is one (Connection['readDb']). */
export const READ_DATABASE = Symbol.for('tag-history.read-database');

/** Nest injection token for Connection['readDedicated']: long reads, on a replica when there is one. */
export const READ_DEDICATED_CONNECTION = Symbol.for('tag-history.read-dedicated-connection');
