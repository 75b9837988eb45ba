/** The highest version a stream can reach: `events.version` is an integer column. */
const MAX_VERSION = 2 ** 31 - 1;

/**
 * A `last` cursor (up to 15 digits) as a bound on versions: one above every
 * version a stream can have bounds nothing, and Postgres would refuse to
 * compare the column with it (a 500 instead of the newest page).
 */
export function versionBound(belowVersion: number | undefined): number | undefined {
  return belowVersion !== undefined && belowVersion <= MAX_VERSION ? belowVersion : undefined;
}
