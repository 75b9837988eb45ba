import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { type Dialect, Kysely, PostgresAdapter, PostgresDialect, PostgresDriver, PostgresIntrospector, PostgresQueryCompiler } from 'kysely';
import { PGliteDialect } from 'kysely-pglite-dialect';
import pg from 'pg';
import type { Database } from './database';
import { ReadRouter } from './read-routing/read-router';
import { routingDialect } from './read-routing/routing-dialect';

export type StorageConfig =
  | {
      kind: 'postgres';
      url: string;
      poolSize?: number;
      /** An operator's job (rebuild, check, migrate), not requests: statements may take as long as they need. */
      longStatements?: boolean;
      /** Streaming replicas that answer reads (DATABASE_READ_URL). */
      readUrls?: string[];
      /** How long a read that needs a log position waits for a replica before the primary answers. */
      readMaxWaitMs?: number;
      /** A direct connection for LISTEN, never a transaction-mode pooler (DATABASE_LISTEN_URL). */
      listenUrl?: string;
    }
  | { kind: 'pglite'; dataDir?: string };

export interface Connection {
  db: Kysely<Database>;
  storage: StorageConfig['kind'];
  /** The pg pool, for LISTEN and raw access; absent on PGlite. */
  pool?: pg.Pool;
  /** A connection outside the pool, for a long read (see dedicated-connection.ts). */
  dedicated(idleMs: number): DedicatedConnection;
  /** Where reads go: the replicas when there are any (see read-routing/read-router.ts), else `db`. */
  readDb: Kysely<Database>;
  /** `dedicated`, on a replica when there is one. */
  readDedicated(idleMs: number): DedicatedConnection;
  /** Where the feed LISTENs: DATABASE_LISTEN_URL, else the primary's settings; absent on PGlite. */
  listenConfig?: pg.ClientConfig;
}

export interface DedicatedConnection {
  db: Kysely<Database>;
  release(): Promise<void>;
  /**
   * The pg client `db` has checked out right now (each dedicated pool holds
   * one), for what Kysely cannot send, such as COPY; absent on PGlite.
   */
  client?(): pg.PoolClient | undefined;
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
      types: {
        getTypeParser: (oid: number, format?: string) => (oid === INT8 ? Number : pg.types.getTypeParser(oid, format as 'text')),
      } as pg.CustomTypesConfig,
    };
    const pool = newPool({ ...options, max: config.poolSize ?? 16 });
    const readUrls = config.readUrls ?? [];
    // A replica that is gone is left out after a second, not after the primary's five.
    const replicaPools = readUrls.map((url) => newPool({ ...options, connectionString: url, connectionTimeoutMillis: 1_000, max: config.poolSize ?? 16 }));
    const router = new ReadRouter(readUrls.length, { maxWaitMs: config.readMaxWaitMs ?? 1_000, retryDownMs: 1_000 });
    // One connection of its own, never from the write pool; the server ends it when it sits idle in its transaction.
    const own = (url: string, idleMs: number) => newPool({ ...options, connectionString: url, max: 1, idle_in_transaction_session_timeout: idleMs });
    const dedicated = (idleMs: number): DedicatedConnection => {
      const pool = own(config.url, idleMs);
      const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
      return { db, release: () => db.destroy(), client: checkedOut([pool]) };
    };
    const readDedicated = (idleMs: number): DedicatedConnection => {
      if (readUrls.length === 0) return dedicated(idleMs);
      const pools = [config.url, ...readUrls].map((url) => own(url, idleMs));
      const [primary, ...replicas] = pools.map((p) => new PostgresDriver({ pool: p }));
      const db = new Kysely<Database>({ dialect: routingDialect(router, primary!, replicas) });
      return { db, release: async () => void (await Promise.all(pools.map((p) => p.end()))), client: checkedOut(pools) };
    };
    // The primary's Kysely owns every pool: destroying it ends the replicas' too.
    const db = new Kysely<Database>({ dialect: ownerDialect(pool, replicaPools) });
    const readDb =
      readUrls.length === 0
        ? db
        : new Kysely<Database>({
            dialect: routingDialect(
              router,
              new PostgresDriver({ pool }),
              replicaPools.map((p) => new PostgresDriver({ pool: p })),
            ),
          });
    const listenConfig = { ...pool.options, connectionString: config.listenUrl ?? config.url };
    return { db, storage: 'postgres', pool, dedicated, readDb, readDedicated, listenConfig };
  }
  const dataDir = config.dataDir;
  if (dataDir) mkdirSync(dataDir, { recursive: true });
  const pglite = new PGlite(dataDir ? join(dataDir, 'pglite') : undefined, { parsers: { [INT8]: Number } });
  const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
  // PGlite has one connection: a long read holds it, and its idle timeout (the reader's) is what frees it.
  const dedicated = () => ({ db, release: async () => undefined });
  return { db, storage: 'pglite', dedicated, readDb: db, readDedicated: dedicated };
}

function newPool(options: pg.PoolConfig & { idle_in_transaction_session_timeout?: number }): pg.Pool {
  const pool = new pg.Pool(options);
  // A client that loses its server must not crash the process: idle ones
  // report on the pool, checked-out ones (between two statements of a
  // transaction) on themselves. Either way the next query fails and the
  // pool discards the client when it comes back.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

/** The client last checked out of `pools` and not yet back. */
function checkedOut(pools: pg.Pool[]): () => pg.PoolClient | undefined {
  let current: pg.PoolClient | undefined;
  for (const pool of pools) {
    pool.on('acquire', (client) => (current = client));
    pool.on('release', (_error, client) => {
      if (current === client) current = undefined;
    });
  }
  return () => current;
}

/** Kysely's Postgres dialect on `pool`, whose destroy also ends `others`. */
function ownerDialect(pool: pg.Pool, others: pg.Pool[]): Dialect {
  return {
    createAdapter: () => new PostgresAdapter(),
    createDriver: () => {
      const driver = new PostgresDriver({ pool });
      const destroy = driver.destroy.bind(driver);
      driver.destroy = async () => {
        await Promise.all([destroy(), ...others.map((p) => p.end())]);
      };
      return driver;
    },
    createIntrospector: (db) => new PostgresIntrospector(db),
    createQueryCompiler: () => new PostgresQueryCompiler(),
  };
}
