import { assertRepositoryName, parseDuration, type RetentionPolicy } from '@tag-history/domain';

export interface GcSettings {
  /** The recovery window when a request names none. */
  retention: RetentionPolicy;
  /** How long a sweep's leases hold, in milliseconds. */
  leaseMs: number;
  /** How long a reader of the referenced set may read nothing before its stream (and connection) ends, in milliseconds. */
  streamIdleMs: number;
}

export const GC_SETTINGS = Symbol.for('tag-history.gc-settings');

/**
 * GC_RETENTION (ISO 8601 duration, default PT0S), GC_RETENTION_BY_REPOSITORY
 * (a JSON object of repository to duration), GC_SWEEP_LEASE (default PT15M),
 * GC_STREAM_IDLE_TIMEOUT (default PT30S).
 * A bad value stops the service at start rather than at the first sweep.
 */
export function loadGcSettings(env: NodeJS.ProcessEnv = process.env): GcSettings {
  const retention = { default: env.GC_RETENTION || 'PT0S', repositories: byRepository(env.GC_RETENTION_BY_REPOSITORY) };
  parseDuration(retention.default, 'GC_RETENTION');
  Object.values(retention.repositories).forEach((d) => parseDuration(d, 'GC_RETENTION_BY_REPOSITORY'));
  const leaseMs = parseDuration(env.GC_SWEEP_LEASE || 'PT15M', 'GC_SWEEP_LEASE');
  if (leaseMs === 0) throw new Error('GC_SWEEP_LEASE must be longer than zero');
  const streamIdleMs = parseDuration(env.GC_STREAM_IDLE_TIMEOUT || 'PT30S', 'GC_STREAM_IDLE_TIMEOUT');
  if (streamIdleMs === 0) throw new Error('GC_STREAM_IDLE_TIMEOUT must be longer than zero');
  return { retention, leaseMs, streamIdleMs };
}

function byRepository(raw: string | undefined): Record<string, string> {
  if (!raw) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed) || Object.values(parsed).some((v) => typeof v !== 'string')) {
    throw new Error('GC_RETENTION_BY_REPOSITORY must be a JSON object of repository names to ISO 8601 durations');
  }
  Object.keys(parsed).forEach((name) => assertRepositoryName(name));
  return parsed as Record<string, string>;
}
