import { parseDuration } from '@tag-history/domain';

/** The upstream registry this service watches. */
export interface RegistryConfig {
  /** Base URL, e.g. http://127.0.0.1:5000. */
  url: string;
  /** Its host:port: names the registry in provenance and in the actor `registry:<host>`. */
  host: string;
  username?: string;
  password?: string;
  /** The static bearer token the registry's notification endpoint sends; unset: notifications are refused. */
  notificationsToken?: string;
  /** 0: no periodic reconcile. */
  reconcileIntervalMs: number;
  /** Globs of repository names to watch; unset: every repository of the catalog. */
  repositories?: string[];
  /** First delay before a check that did not yet see what its notification named is repeated. */
  checkDelayMs: number;
  /** Checks of one notification before the registry's answer is recorded as it is. */
  checkAttempts: number;
}

export const REGISTRY_CONFIG = Symbol.for('tag-history.registry-config');

/**
 * REGISTRY_URL, REGISTRY_USERNAME, REGISTRY_PASSWORD, REGISTRY_NOTIFICATIONS_TOKEN,
 * REGISTRY_RECONCILE_INTERVAL (ISO 8601, default PT5M, PT0S: off), REGISTRY_REPOSITORIES
 * (comma-separated globs), REGISTRY_CHECK_DELAY (default PT0.2S), REGISTRY_CHECK_ATTEMPTS (default 8).
 * Unset REGISTRY_URL: no registry is watched.
 */
export function loadRegistryConfig(env: NodeJS.ProcessEnv): RegistryConfig | undefined {
  if (!env.REGISTRY_URL) return undefined;
  let url: URL;
  try {
    url = new URL(env.REGISTRY_URL);
  } catch {
    throw new Error(`REGISTRY_URL must be an http(s) URL such as http://127.0.0.1:5000, got "${env.REGISTRY_URL}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('REGISTRY_URL must be an http(s) URL');
  if (Boolean(env.REGISTRY_USERNAME) !== Boolean(env.REGISTRY_PASSWORD)) throw new Error('REGISTRY_USERNAME and REGISTRY_PASSWORD go together');
  const attempts = Number(env.REGISTRY_CHECK_ATTEMPTS ?? 8);
  if (!Number.isInteger(attempts) || attempts < 1) throw new Error('REGISTRY_CHECK_ATTEMPTS must be a positive integer');
  const repositories = env.REGISTRY_REPOSITORIES?.split(',')
    .map((g) => g.trim())
    .filter(Boolean);
  return {
    url: url.origin + url.pathname.replace(/\/+$/, ''),
    host: url.host,
    username: env.REGISTRY_USERNAME || undefined,
    password: env.REGISTRY_PASSWORD || undefined,
    notificationsToken: env.REGISTRY_NOTIFICATIONS_TOKEN || undefined,
    reconcileIntervalMs: parseDuration(env.REGISTRY_RECONCILE_INTERVAL || 'PT5M', 'REGISTRY_RECONCILE_INTERVAL'),
    repositories: repositories?.length ? repositories : undefined,
    checkDelayMs: parseDuration(env.REGISTRY_CHECK_DELAY || 'PT0.2S', 'REGISTRY_CHECK_DELAY'),
    checkAttempts: attempts,
  };
}
