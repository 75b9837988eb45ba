import type { FastifyRequest } from 'fastify';
import type { AccessEntry } from './scope';

/** Who a verified token says the caller is, and what it may do. */
export interface Principal {
  sub: string;
  jti?: string;
  access: AccessEntry[];
}

// Keyed by the raw request: set by the access guard, read by actorOf, never from a header.
const principals = new WeakMap<object, Principal>();

export function setPrincipal(request: FastifyRequest, principal: Principal): void {
  principals.set(request.raw, principal);
}

export function principalOf(request: FastifyRequest): Principal | undefined {
  return principals.get(request.raw);
}
