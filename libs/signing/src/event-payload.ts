/**
 * What the service signs for every event. The JWS payload is these bytes, so
 * the JWS alone says which stream, version, change, actor and time it is, and
 * `prev` chains it to the stream's previous event.
 */
export interface EventPayload {
  stream: string;
  version: number;
  type: string;
  data: Record<string, unknown>;
  actor: string;
  /** The `jti` of the bearer token the actor used; signed metadata only, absent for anonymous writes. */
  jti?: string;
  time: string;
  /** `hash` of the previous event of the stream; null for the first. */
  prev: string | null;
}
