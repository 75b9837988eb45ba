/**
 * Stable error codes. The OCI distribution-spec codes keep their meaning;
 * the rest are this service's own. Clients match on these strings, so they
 * are never renamed.
 */
export type ErrorCode =
  | 'NAME_INVALID'
  | 'TAG_INVALID'
  | 'DIGEST_INVALID'
  | 'NAME_UNKNOWN'
  | 'TAG_UNKNOWN'
  | 'MANIFEST_UNKNOWN'
  | 'VERSION_UNKNOWN'
  | 'SIZE_INVALID'
  | 'UNSUPPORTED'
  | 'NOT_ACCEPTABLE'
  | 'PRECONDITION_FAILED'
  | 'BODY_INVALID'
  | 'PARAMETER_INVALID'
  | 'CONFLICT'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'TOO_MANY_REQUESTS'
  | 'MANIFEST_BEING_DELETED'
  | 'PIN_UNKNOWN'
  | 'POLICY_UNKNOWN'
  | 'TAG_IMMUTABLE'
  | 'PRECONDITION_REQUIRED'
  | 'SWEEP_UNKNOWN'
  | 'EVENT_UNKNOWN'
  | 'SWEEP_EXPIRED'
  | 'ARCHIVED'
  | 'DIGEST_NOT_LEASED'
  | 'TOO_MANY_CANDIDATES'
  | 'NOT_FOUND'
  | 'METHOD_NOT_ALLOWED'
  | 'UNAUTHORIZED'
  | 'DENIED'
  | 'SIGNATURE_INVALID'
  | 'UNAVAILABLE'
  | 'INTERNAL_ERROR';

export class TagHistoryError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly detail?: unknown,
  ) {
    super(message);
    this.name = 'TagHistoryError';
  }
}
