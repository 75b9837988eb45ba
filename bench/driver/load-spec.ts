/**
 * What the load driver runs, sent to its process as a message. HTTP requests
 * are built in the driver by a factory function named by module and export,
 * because functions cannot cross the process boundary.
 */
export type LoadSpec = HttpLoad | PgLoad | FeedLoad | VisibilityLoad;

interface LoadTiming {
  connections: number;
  seconds: number;
  /** Unmeasured run first, so that JIT, pools and caches are warm. */
  warmupSeconds: number;
}

export interface HttpLoad extends LoadTiming {
  kind: 'http';
  url: string;
  requests: RequestFactoryRef;
  /** Statuses that count as success; anything else is an error. */
  expect: number[];
  /** Requests per second offered by all connections together: Poisson arrivals (paced-http.ts), not autocannon. */
  rate?: number;
}

export interface RequestFactoryRef {
  /** Absolute path of the compiled module (a workload's `__filename`). */
  module: string;
  /** Its export: `(params) => autocannon requests`. */
  name: string;
  params: unknown;
}

export interface PgLoad extends LoadTiming {
  kind: 'pg';
  url: string;
  statement: RawStatement;
}

/** The raw Postgres baselines: see raw-postgres.ts. */
export type RawStatement = 'insert-event' | 'insert-100-events' | 'select-tag' | 'history-page-10' | 'history-page-100';

/** How the follower reads `GET /v2/_events`: long-poll (`?wait=`) or Server-Sent Events. */
export type FeedFollower = 'long-poll' | 'sse';

/** `connections` writers move tags of `repository` back to back while one follower reads the feed (see feed-delay.ts). */
export interface FeedLoad extends LoadTiming {
  kind: 'feed';
  url: string;
  follower: FeedFollower;
  repository: string;
}

/**
 * `connections` writers each move a tag of their own on one instance
 * (`writeUrl`) and poll another (`readUrl`) until it shows the new version
 * (see visibility-delay.ts).
 */
export interface VisibilityLoad extends LoadTiming {
  kind: 'visibility';
  writeUrl: string;
  readUrl: string;
  repository: string;
}
