import type { Writer } from '@tag-history/event-store';
import type { FastifyRequest } from 'fastify';
import { principalOf } from '../auth/principal';
import { idempotencyClaimOf } from '../idempotency/idempotency-claim';

/**
 * Who is acting: the `sub` of the bearer token the access guard verified.
 * Without authentication configured every request is "anonymous": identity
 * never comes from a plain request header.
 */
export function actorOf(request: FastifyRequest): string {
  return principalOf(request)?.sub ?? 'anonymous';
}

/**
 * The writer of a write request: its actor, the `jti` of its token (signed
 * into the events it writes so an audit can tie them to one token), and its
 * Idempotency-Key claim (its outcome is recorded with its events).
 */
export function writerOf(request: FastifyRequest): Writer {
  const jti = principalOf(request)?.jti;
  const idempotency = idempotencyClaimOf(request);
  return { actor: actorOf(request), ...(jti !== undefined ? { tokenId: jti } : {}), ...(idempotency ? { idempotency } : {}) };
}
