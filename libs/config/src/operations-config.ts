import { parseDuration } from '@tag-history/domain';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** How the service is run rather than what it does: logs, shutdown, metrics. */
export interface OperationsConfig {
  logLevel: LogLevel;
  /** After SIGTERM the process exits within this, finished or not. */
  shutdownTimeoutMs: number;
  /** The static bearer token `GET /metrics` asks for; unset: open without AUTH_JWKS, refused with it. */
  metricsToken?: string;
}

/** LOG_LEVEL (default info), SHUTDOWN_TIMEOUT (ISO 8601, default PT10S), METRICS_TOKEN. */
export function loadOperationsConfig(env: NodeJS.ProcessEnv): OperationsConfig {
  const logLevel = (env.LOG_LEVEL || 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) throw new Error(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${env.LOG_LEVEL}"`);
  const shutdownTimeoutMs = parseDuration(env.SHUTDOWN_TIMEOUT || 'PT10S', 'SHUTDOWN_TIMEOUT');
  if (shutdownTimeoutMs === 0) throw new Error('SHUTDOWN_TIMEOUT must be longer than zero');
  return { logLevel, shutdownTimeoutMs, metricsToken: env.METRICS_TOKEN || undefined };
}
