import { join, resolve } from 'node:path';
import type { StorageConfig } from '@tag-history/database';
import type { SigningKeySource } from '@tag-history/signing';
import { ConfigError } from './config-error';
import { loadDatabaseCopiesConfig } from './database-copies-config';
import { type GcSettings, loadGcSettings } from './gc-settings';
import { unknownVariables } from './known-variables';
import { loadOperationsConfig, type OperationsConfig } from './operations-config';
import { loadPolicySettings, type PolicySettings } from './policy-settings';
import { loadRegistryConfig, type RegistryConfig } from './registry-config';
import { loadTransparencyConfig, type TransparencyConfig } from './transparency-config';

export interface Config {
  host: string;
  port: number;
  storage: StorageConfig;
  signingKey: SigningKeySource;
  /** Bearer token checking; absent means no authentication (and a loopback-only listener). */
  auth?: AuthConfig;
  /** A JSON file saying whose signatures client-signed tags need, per repository pattern. */
  trustPolicyFile?: string;
  /** The Merkle log over the events: its origin, checkpoint and timestamp keys, witnesses. */
  transparency: TransparencyConfig;
  /** The upstream registry to watch (REGISTRY_URL); absent: none. */
  registry?: RegistryConfig;
  gc: GcSettings;
  /** Expire and retain runs (POLICY_RUN_INTERVAL). */
  policies?: PolicySettings;
  operations: OperationsConfig;
}

export interface AuthConfig {
  /** A JWKS file path or an http(s) URL; keys are chosen by `kid`. */
  jwks: string;
  issuer: string;
  audience: string;
  realm: string;
  algorithms: string[];
  clockToleranceSeconds: number;
}

// Asymmetric only: with a symmetric algorithm anyone holding the verification key could mint tokens.
export const ASYMMETRIC_ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

/**
 * The service's and the CLI's settings, all checked before anything starts:
 * a malformed value, an unknown value of an enumerated setting, or an
 * unknown variable with one of the service's prefixes is a ConfigError
 * naming it.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const unknown = unknownVariables(env);
  if (unknown.length > 0) throw new ConfigError('CONFIG_UNKNOWN', `unknown setting ${unknown.join(', ')} (misspelt? see the configuration table in README.md)`);
  try {
    return readConfig(env);
  } catch (error) {
    throw new ConfigError('CONFIG_INVALID', error instanceof Error ? error.message : String(error));
  }
}

function readConfig(env: NodeJS.ProcessEnv): Config {
  const dataDir = resolve(env.DATA_DIR ?? './data');
  const storage: StorageConfig = env.DATABASE_URL
    ? { kind: 'postgres', url: env.DATABASE_URL, poolSize: positiveInt(env, 'DATABASE_POOL_SIZE', 16), ...loadDatabaseCopiesConfig(env) }
    : { kind: 'pglite', dataDir };
  const signingKey: SigningKeySource = env.SIGNING_KEY
    ? { kind: 'jwk', json: env.SIGNING_KEY }
    : { kind: 'file', path: resolve(env.SIGNING_KEY_FILE ?? join(dataDir, 'signing-key.jwk')), generateIfMissing: !env.SIGNING_KEY_FILE };
  return {
    host: env.HOST ?? '127.0.0.1',
    port: positiveInt(env, 'PORT', 8080, true),
    storage,
    signingKey,
    auth: loadAuthConfig(env),
    trustPolicyFile: env.TRUST_POLICY ? resolve(env.TRUST_POLICY) : undefined,
    transparency: loadTransparencyConfig(env, dataDir),
    registry: loadRegistryConfig(env),
    gc: loadGcSettings(env),
    policies: loadPolicySettings(env),
    operations: loadOperationsConfig(env),
  };
}

function loadAuthConfig(env: NodeJS.ProcessEnv): AuthConfig | undefined {
  if (!env.AUTH_JWKS) return undefined;
  const issuer = env.AUTH_ISSUER;
  const audience = env.AUTH_AUDIENCE;
  if (!issuer || !audience) throw new Error('AUTH_JWKS needs AUTH_ISSUER and AUTH_AUDIENCE: tokens are only accepted from one issuer, for this service');
  const algorithms = env.AUTH_ALGORITHMS
    ? env.AUTH_ALGORITHMS.split(',')
        .map((a) => a.trim())
        .filter(Boolean)
    : ASYMMETRIC_ALGORITHMS;
  const symmetric = algorithms.filter((a) => /^HS/i.test(a) || a.toLowerCase() === 'none');
  if (symmetric.length > 0) throw new Error(`AUTH_ALGORITHMS may hold asymmetric algorithms only, not ${symmetric.join(', ')}`);
  const unknown = algorithms.filter((a) => !ASYMMETRIC_ALGORITHMS.includes(a));
  if (unknown.length > 0) throw new Error(`AUTH_ALGORITHMS: unknown ${unknown.join(', ')}; known: ${ASYMMETRIC_ALGORITHMS.join(', ')}`);
  const jwks = /^https?:\/\//.test(env.AUTH_JWKS) ? env.AUTH_JWKS : resolve(env.AUTH_JWKS);
  return {
    jwks,
    issuer,
    audience,
    realm: env.AUTH_REALM ?? issuer,
    algorithms,
    clockToleranceSeconds: positiveInt(env, 'AUTH_CLOCK_TOLERANCE', 30, true),
  };
}

function positiveInt(env: NodeJS.ProcessEnv, name: string, fallback: number, zeroAllowed = false): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < (zeroAllowed ? 0 : 1)) throw new Error(`${name} must be an integer, got "${raw}"`);
  return value;
}
