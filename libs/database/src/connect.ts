import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import type { Database } from './database';

export type StorageConfig =
  | {
      kind: 'postgres';
      url: string;
      poolSize?: number;
      /** An operator's job (rebuild, check, migrate), not requests: statements may take as long as they need. */
      longStatements?: boolean;
    }
  | { kind: 'pglite'; dataDir?: string };

export interface Connection {
  db: Kysely<Database>;
  storage: StorageConfig['kind'];
  /** The pg pool, for LISTEN and raw access; absent on PGlite. */
  pool?: pg.Pool;
  /** A connection outside the pool, for a long read (see dedicated-connection.ts). */
  dedicated(idleMs: number): DedicatedConnection;
}

export interface DedicatedConnection {
  db: Kysely<Database>;
  release(): Promise<void>;
}

const INT8 = 20;

export function connect(config: StorageConfig): Connection {
  if (config.kind === 'postgres') {
    const options = {
      connectionString: config.url,
      connectionTimeoutMillis: 5_000,
      // A database that stops answering turns into 503s, not requests hanging on a dead socket.
      ...(config.longStatements ? {} : { statement_timeout: 30_000, query_timeout: 35_000 }),
      keepAlive: true,
      // Positions and sizes fit in 2^53 for any log this service will hold.
      types: { getTypeParser: (oid: number, format?: string) => (oid === INT8 ? Number : pg.types.getTypeParser(oid, format as 'text')) } as pg.CustomTypesConfig,
    };
    const pool = new pg.Pool({ ...options, max: config.poolSize ?? 16 });
    // A client that loses its server must not crash the process: idle ones
    // report on the pool, checked-out ones (between two statements of a
    // transaction) on themselves. Either way the next query fails and the
    // pool discards the client when it comes back.
    pool.on('error', () => undefined);
    pool.on('connect', (client) => client.on('error', () => undefined));
    // One connection of its own, never from the write pool; the server ends it when it sits idle in its transaction.
    const dedicated = (idleMs: number): DedicatedConnection => {
      const own = new pg.Pool({ ...options, max: 1, idle_in_transaction_session_timeout: idleMs });
      // As for the write pool: a connection the server ends (its idle timeout) fails the stream, never the process.
      own.on('error', () => undefined);
      own.on('connect', (client) => client.on('error', () => undefined));
      const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: own }) });
      return { db, release: () => db.destroy() };
    };
    return { db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }), storage: 'postgres', pool, dedicated };
  }
  const dataDir = config.dataDir;
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const pglite = new PGlite(dataDir ? join(dataDir, 'pglite') : undefined, { parsers: { [INT8]: Number } });
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
  // PGlite has one connection: a long read holds it, and its idle timeout (the reader's) is what frees it.
  return { db, storage: 'pglite', dedicated: () => ({ db, release: async () => undefined }) };
}
