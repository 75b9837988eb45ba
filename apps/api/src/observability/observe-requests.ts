import type { FastifyInstance } from 'fastify';
import type { ServiceMetrics } from './service-metrics';

/**
 * One log line and one histogram observation per request, when its answer
 * is sent. The line holds no header, so no token or password can reach it.
 * The request id goes on the raw response: event streams write their own
 * head, and it still carries the id.
 */
export function observeRequests(fastify: FastifyInstance, metrics: ServiceMetrics): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    reply.raw.setHeader('x-request-id', request.id);
    done();
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions.url ?? 'unmatched';
    const status = reply.statusCode;
    metrics.httpDuration.observe({ route, method: request.method, status }, reply.elapsedTime / 1000);
    request.log[status >= 500 ? 'error' : 'info'](
      { method: request.method, url: request.originalUrl, route, status, ms: Math.round(reply.elapsedTime * 10) / 10 },
      'request',
    );
    done();
  });
}
