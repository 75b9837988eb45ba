import type { FastifyRequest } from 'fastify';
import { principalOf } from '../auth/principal';

/**
 * Who is acting: the `sub` of the bearer token the access guard verified.
 * Without authentication configured every request is "anonymous": identity
 * never comes from a plain request header.
 */
export function actorOf(request: FastifyRequest): string {
  return principalOf(request)?.sub ?? 'anonymous';
}

/** The `jti` of that token, signed into the events it writes so an audit can tie them to one token. */
export function tokenIdOf(request: FastifyRequest): string | undefined {
  return principalOf(request)?.jti;
}
