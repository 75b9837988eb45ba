export const METRICS_ACCESS = Symbol.for('tag-history.metrics-access');

/**
 * A scraper sends a static header, not a short-lived token from an issuer:
 * `GET /metrics` takes `Authorization: Bearer <METRICS_TOKEN>`. With
 * AUTH_JWKS and no METRICS_TOKEN it is refused to everyone; without
 * AUTH_JWKS (a loopback-only service) it is open unless METRICS_TOKEN is set.
 */
export interface MetricsAccess {
  token?: string;
  /** AUTH_JWKS is set: no anonymous reader. */
  authenticated: boolean;
}
