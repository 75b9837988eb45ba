import { parseDuration } from '@tag-history/domain';

export interface PolicySettings {
  /** Between runs of the expire and retain policies; 0: no scheduled runs. */
  runIntervalMs: number;
}

export const POLICY_SETTINGS = Symbol.for('tag-history.policy-settings');

/** POLICY_RUN_INTERVAL (ISO 8601 duration, default PT1M; PT0S turns scheduled runs off). */
export function loadPolicySettings(env: NodeJS.ProcessEnv = process.env): PolicySettings {
  return { runIntervalMs: parseDuration(env.POLICY_RUN_INTERVAL || 'PT1M', 'POLICY_RUN_INTERVAL') };
}
