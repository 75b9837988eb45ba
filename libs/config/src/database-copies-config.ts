import { parseDuration } from '@tag-history/domain';

/** Read replicas and the LISTEN connection: what a Postgres storage adds to DATABASE_URL. */
export interface DatabaseCopiesConfig {
  /** DATABASE_READ_URL: streaming replicas of DATABASE_URL that answer reads. */
  readUrls: string[];
  /** DATABASE_READ_MAX_WAIT: how long a read with Tag-History-Min-Position waits for a replica before the primary answers it. */
  readMaxWaitMs: number;
  /** DATABASE_LISTEN_URL: a direct connection for the feed's LISTEN (a transaction-mode pooler drops it). */
  listenUrl?: string;
}

export function loadDatabaseCopiesConfig(env: NodeJS.ProcessEnv): DatabaseCopiesConfig {
  const readUrls = (env.DATABASE_READ_URL ?? '')
    .split(',')
    .map((u) => u.trim())
    .filter(Boolean);
  for (const url of readUrls) {
    if (!/^postgres(ql)?:\/\//.test(url))
      throw new Error(`DATABASE_READ_URL holds comma-separated postgres:// URLs, got "${url.replace(/\/\/[^@/]*@/, '//…@')}"`);
  }
  return {
    readUrls,
    readMaxWaitMs: parseDuration(env.DATABASE_READ_MAX_WAIT || 'PT1S', 'DATABASE_READ_MAX_WAIT'),
    ...(env.DATABASE_LISTEN_URL ? { listenUrl: env.DATABASE_LISTEN_URL } : {}),
  };
}
