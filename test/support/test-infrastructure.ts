import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import type { Config } from '@tag-history/config';
import { loadGcSettings, loadOperationsConfig, loadTransparencyConfig } from '@tag-history/config';
import { type Infrastructure, openInfrastructure } from '../../apps/api/src/infrastructure/open-infrastructure';

/**
 * The suite runs on real Postgres when TEST_DATABASE_URL (or DATABASE_URL) is
 * set, each test file in a database of its own; otherwise on PGlite.
 */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
export const onPostgres = TEST_DATABASE_URL !== undefined;

export interface TestDatabase {
  /** What to give the service: a database URL of its own, or a PGlite data folder. */
  config: Config;
  drop(): Promise<void>;
}

/** A fresh, empty database (not migrated) and a signing key of its own. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'tag-history-test-'));
  const signingKey = { kind: 'file' as const, path: join(dir, 'signing-key.jwk'), generateIfMissing: true };
  const base = {
    host: '127.0.0.1',
    port: 0,
    signingKey,
    transparency: loadTransparencyConfig({}, dir),
    gc: loadGcSettings({}),
    operations: loadOperationsConfig({}),
  };
  if (!TEST_DATABASE_URL) {
    return { config: { ...base, storage: { kind: 'pglite', dataDir: dir } }, drop: async () => rmSync(dir, { recursive: true, force: true }) };
  }
  const name = `tagh_test_${randomBytes(6).toString('hex')}`;
  await admin(async (client) => client.query(`create database ${name}`));
  const url = new URL(TEST_DATABASE_URL);
  url.pathname = `/${name}`;
  return {
    config: { ...base, storage: { kind: 'postgres', url: url.toString(), poolSize: 16 } },
    drop: async () => {
      await admin((client) => client.query(`drop database if exists ${name} with (force)`));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export interface TestInfrastructure extends Infrastructure {
  database: TestDatabase;
  close(): Promise<void>;
}

/** A migrated database with an event store, as the API runs on. */
export async function createTestInfrastructure(): Promise<TestInfrastructure> {
  const database = await createTestDatabase();
  const infrastructure = await openInfrastructure(database.config);
  return {
    ...infrastructure,
    database,
    close: async () => {
      await infrastructure.db.destroy();
      await database.drop();
    },
  };
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
