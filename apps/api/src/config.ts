import { join, resolve } from 'node:path';
import type { StorageConfig } from '@tag-history/database';
import type { SigningKeySource } from '@tag-history/signing';

export interface Config {
  host: string;
  port: number;
  storage: StorageConfig;
  signingKey: SigningKeySource;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const dataDir = resolve(env.DATA_DIR ?? './data');
  const storage: StorageConfig = env.DATABASE_URL
    ? { kind: 'postgres', url: env.DATABASE_URL, poolSize: positiveInt(env, 'DATABASE_POOL_SIZE', 16) }
    : { kind: 'pglite', dataDir };
  const signingKey: SigningKeySource = env.SIGNING_KEY
    ? { kind: 'jwk', json: env.SIGNING_KEY }
    : { kind: 'file', path: resolve(env.SIGNING_KEY_FILE ?? join(dataDir, 'signing-key.jwk')), generateIfMissing: !env.SIGNING_KEY_FILE };
  return {
    host: env.HOST ?? '127.0.0.1',
    port: positiveInt(env, 'PORT', 8080, true),
    storage,
    signingKey,
  };
}

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number, zeroAllowed = false): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < (zeroAllowed ? 0 : 1)) throw new Error(`${name} must be an integer, got "${raw}"`);
  return value;
}
