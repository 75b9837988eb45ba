/**
 * What the service's signature on a tag object says besides the payload, in
 * its protected header: the tag version that set this target, its log
 * position, time and actor (the `+json` answer's fields), the pretty format
 * of the payload, and `time`, when the service signed (as libtrust did), so
 * the key can be checked against its validity in the JWKS.
 */
export interface TagStatementHeader {
  version: number;
  position: number;
  updatedAt: string;
  updatedBy: string;
  formatLength: number;
  formatTail: string;
  time: string;
}

/** One signature of a JWS in the general JSON serialisation (RFC 7515 §7.2.1). */
export interface JwsSignature {
  protected: string;
  header?: Record<string, unknown>;
  signature: string;
}
