import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import type { Database } from './database';

export type StorageConfig =
  | { kind: 'postgres'; url: string; poolSize?: number }
  | { kind: 'pglite'; dataDir?: string };

export interface Connection {
  db: Kysely<Database>;
  storage: StorageConfig['kind'];
  /** The pg pool, for LISTEN and raw access; absent on PGlite. */
  pool?: pg.Pool;
}

const INT8 = 20;

export function connect(config: StorageConfig): Connection {
  if (config.kind === 'postgres') {
    const pool = new pg.Pool({
      connectionString: config.url,
      max: config.poolSize ?? 16,
      connectionTimeoutMillis: 5_000,
      // A database that stops answering turns into 503s, not requests hanging on a dead socket.
      statement_timeout: 30_000,
      query_timeout: 35_000,
      keepAlive: true,
      // Positions and sizes fit in 2^53 for any log this service will hold.
      types: { getTypeParser: (oid, format) => (oid === INT8 ? Number : pg.types.getTypeParser(oid, format)) } as pg.CustomTypesConfig,
    });
    // A client that loses its server must not crash the process: idle ones
    // report on the pool, checked-out ones (between two statements of a
    // transaction) on themselves. Either way the next query fails and the
    // pool discards the client when it comes back.
    pool.on('error', () => undefined);
    pool.on('connect', (client) => client.on('error', () => undefined));
    return { db: new Kysely<Database>({ dialect: new PostgresDialect({ pool }) }), storage: 'postgres', pool };
  }
  const dataDir = config.dataDir;
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const pglite = new PGlite(dataDir ? join(dataDir, 'pglite') : undefined, { parsers: { [INT8]: Number } });
  return { db: new Kysely<Database>({ dialect: new PGliteDialect(pglite) }), storage: 'pglite' };
}
