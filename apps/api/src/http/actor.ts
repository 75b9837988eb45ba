import type { FastifyRequest } from 'fastify';

/**
 * Who is acting. Without authentication configured every request is
 * "anonymous": identity never comes from a plain request header.
 */
export function actorOf(_request: FastifyRequest): string {
  return 'anonymous';
}
