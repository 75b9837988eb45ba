/**
 * Every environment variable the service and its CLI read. A variable that
 * starts like one of these but is not listed is refused at start: a
 * misspelt `AUTH_ISSUR` would otherwise be ignored and its default used.
 * A new setting is one line here (and a row in the README's table).
 */
export const KNOWN_VARIABLES: readonly string[] = [
  'DATABASE_URL',
  'DATABASE_POOL_SIZE',
  'DATABASE_READ_URL',
  'DATABASE_READ_MAX_WAIT',
  'DATABASE_LISTEN_URL',
  'DATA_DIR',
  'SIGNING_KEY',
  'SIGNING_KEY_FILE',
  'HOST',
  'PORT',
  'AUTH_JWKS',
  'AUTH_ISSUER',
  'AUTH_AUDIENCE',
  'AUTH_REALM',
  'AUTH_ALGORITHMS',
  'AUTH_CLOCK_TOLERANCE',
  'TRUST_POLICY',
  'POLICY_RUN_INTERVAL',
  'GC_RETENTION',
  'GC_RETENTION_BY_REPOSITORY',
  'GC_SWEEP_LEASE',
  'GC_STREAM_IDLE_TIMEOUT',
  'LOG_ORIGIN',
  'CHECKPOINT_KEY',
  'CHECKPOINT_KEY_FILE',
  'TIMESTAMP_KEY',
  'TIMESTAMP_KEY_FILE',
  'CHECKPOINT_INTERVAL',
  'LOG_WITNESSES',
  'TILE_CACHE_MB',
  'REGISTRY_URL',
  'REGISTRY_USERNAME',
  'REGISTRY_PASSWORD',
  'REGISTRY_NOTIFICATIONS_TOKEN',
  'REGISTRY_RECONCILE_INTERVAL',
  'REGISTRY_REPOSITORIES',
  'REGISTRY_CHECK_DELAY',
  'REGISTRY_CHECK_ATTEMPTS',
  'LOG_LEVEL',
  'SHUTDOWN_TIMEOUT',
  'METRICS_TOKEN',
  // The CLI's: the service to talk to, and the bearer token it sends.
  'TAG_HISTORY_URL',
  'TAG_HISTORY_TOKEN',
];

/** The service's own prefixes: other software's variables (PGHOST, NODE_OPTIONS, ...) are none of its business. */
export const OWN_PREFIXES: readonly string[] = [
  'DATABASE_',
  'SIGNING_',
  'AUTH_',
  'GC_',
  'LOG_',
  'CHECKPOINT_',
  'TIMESTAMP_',
  'REGISTRY_',
  'SHUTDOWN_',
  'METRICS_',
  'POLICY_',
  'TAG_HISTORY_',
];

export function unknownVariables(env: NodeJS.ProcessEnv): string[] {
  return Object.keys(env)
    .filter((name) => OWN_PREFIXES.some((p) => name.startsWith(p)) && !KNOWN_VARIABLES.includes(name))
    .sort();
}
