import { connect, type Connection, migrate } from '@tag-history/database';
import { manifestBeingDeleted, type PinEvent, referencedBy, type TagEvent } from '@tag-history/domain';
import { EventStore, type LeaseHit, type NewEvent, registerSigningKey } from '@tag-history/event-store';
import { loadSigningKey, type SigningKey } from '@tag-history/signing';
import type { Config } from '@tag-history/config';
import { answerWrittenPosition } from '../http/read-your-writes';
import { CandidateReferencedError } from '../gc/start-sweep/candidate-referenced-error';
import { type LogKeys, loadLogKeys } from './transparency/log-keys';

/** What the application runs on: the database (migrated), the signing key, the event store. */
export interface Infrastructure extends Connection {
  key: SigningKey;
  eventStore: EventStore;
  /** The transparency log's checkpoint and timestamp keys. */
  logKeys: LogKeys;
  /** Memory for the proofs' tiles (TILE_CACHE_MB); the default when absent. */
  tileCacheBytes?: number;
}

export async function openInfrastructure(config: Pick<Config, 'storage' | 'signingKey' | 'transparency'>): Promise<Infrastructure> {
  const connection = connect(config.storage);
  await migrate(connection.db);
  const key = await loadSigningKey(config.signingKey);
  // Public keys stay in the table after rotation, with their time range, so old events still verify.
  await registerSigningKey(connection.db, key);
  return {
    ...connection,
    key,
    eventStore: createEventStore(connection, key),
    logKeys: loadLogKeys(config.transparency),
    tileCacheBytes: config.transparency.tileCacheBytes,
  };
}

/** The write path on a connection: one per instance (tests make more to stand for more instances). */
export function createEventStore({ db, storage }: Pick<Connection, 'db' | 'storage'>, key: SigningKey): EventStore {
  return new EventStore(db, key, {
    // PGlite has one connection: a second round would only queue behind the first.
    concurrency: storage === 'postgres' ? 2 : 1,
    maxOperations: 2_000,
    deadlineMs: 10_000,
    references,
    leaseRefusal,
    written: answerWrittenPosition,
  });
}

const REFERENCING = new Set(['TagCreated', 'TagMoved', 'TagRestored', 'ManifestPinned']);

function references(event: NewEvent) {
  return REFERENCING.has(event.type) ? referencedBy(event as TagEvent | PinEvent) : null;
}

/** A write that would reference a manifest an open sweep is deleting is refused; a sweep whose candidate got referenced reads them again. */
function leaseRefusal(hit: LeaseHit): Error {
  if (hit.leaseUntil === null) return new CandidateReferencedError(hit.repository, hit.digest);
  return manifestBeingDeleted({ ...hit, leaseUntil: hit.leaseUntil });
}
