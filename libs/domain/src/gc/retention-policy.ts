import { parseDuration } from './parse-duration';

/**
 * How long a digest stays referenced after the last tag left it: the
 * recovery window. ISO 8601 durations, a default and per-repository overrides.
 */
export interface RetentionPolicy {
  default: string;
  repositories: Record<string, string>;
}

export function retentionFor(policy: RetentionPolicy, repository: string): number {
  return parseDuration(policy.repositories[repository] ?? policy.default, 'retention');
}

/** An explicit `retention` applies to every repository; otherwise the configured policy does. */
export function effectiveRetention(configured: RetentionPolicy, requested: string | undefined): RetentionPolicy {
  if (requested === undefined) return configured;
  parseDuration(requested, 'retention');
  return { default: requested, repositories: {} };
}
