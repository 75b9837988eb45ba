import { connect, type Connection, migrate } from '@tag-history/database';
import { EventStore, registerSigningKey } from '@tag-history/event-store';
import { gcLeaseGuard, projectAll } from '@tag-history/projections';
import { loadSigningKey, type SigningKey } from '@tag-history/signing';
import type { Config } from '../config';
import { type LogKeys, loadLogKeys } from './transparency/log-keys';

/** What the application runs on: the database (migrated), the signing key, the event store. */
export interface Infrastructure extends Connection {
  key: SigningKey;
  eventStore: EventStore;
  /** The transparency log's checkpoint and timestamp keys. */
  logKeys: LogKeys;
}

export async function openInfrastructure(config: Config): Promise<Infrastructure> {
  const connection = connect(config.storage);
  await migrate(connection.db);
  const key = await loadSigningKey(config.signingKey);
  // Public keys stay in the table after rotation, with their time range, so old events still verify.
  await registerSigningKey(connection.db, key);
  const eventStore = new EventStore(connection.db, key, projectAll, {
    // PGlite has one connection: a second batch would only queue behind the first.
    concurrency: connection.storage === 'postgres' ? 2 : 1,
    maxEvents: 2_000,
    guard: gcLeaseGuard,
  });
  return { ...connection, key, eventStore, logKeys: loadLogKeys(config.transparency) };
}
