import type { IdempotencyClaim } from '@tag-history/event-store';
import type { FastifyRequest } from 'fastify';

// Keyed by the raw request: set by Idempotency.run, read when the write's command is made.
const claims = new WeakMap<object, IdempotencyClaim>();

export function setIdempotencyClaim(request: FastifyRequest, claim: IdempotencyClaim): void {
  claims.set(request.raw, claim);
}

export function idempotencyClaimOf(request: FastifyRequest): IdempotencyClaim | undefined {
  return claims.get(request.raw);
}
