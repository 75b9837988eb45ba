import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';

/** What makes two requests "the same" for an Idempotency-Key: target, preconditions, body. */
export function requestFingerprint(request: FastifyRequest): string {
  const h = request.headers;
  const body = Buffer.isBuffer(request.body) ? request.body.toString('base64') : '';
  const parts = [request.method, request.url, h['content-type'] ?? '', h['if-match'] ?? '', h['if-none-match'] ?? '', body];
  return createHash('sha256').update(JSON.stringify(parts)).digest('hex');
}
