import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { Logger } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { TagHistoryError } from '@tag-history/domain';
import { checkQuery, type QuerySchema } from './input/query-schema';
import { toOciError } from './oci-error';
import { collectRoutes } from './openapi/route-catalog';

const logger = new Logger('http');

/** Any error as the OCI body, from wherever Fastify reports it (hooks, parsers, the router). */
export function sendOciError(error: unknown, reply: FastifyReply): void {
  const { status, body } = toOciError(error);
  if (status >= 500) logger.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
  void reply.status(status).header('content-type', 'application/json').send(body);
}

/**
 * Node answers some requests before Fastify sees them (headers too large: 431,
 * bytes that are no HTTP: 400); the socket still takes an answer, so it gets
 * the OCI body too.
 */
export function clientErrorHandler(error: NodeJS.ErrnoException, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const status = error.code === 'HPE_HEADER_OVERFLOW' ? 431 : error.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const message =
    status === 431 ? 'request headers are too large' : status === 408 ? 'request timeout' : 'malformed request: bad bytes in the request line or a header';
  const body = JSON.stringify(toOciError(Object.assign(new Error(message), { statusCode: status })).body);
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

/**
 * The checks every route inherits, before any guard or handler: each query
 * parameter is storable text and single-valued unless the route's schema
 * (QueryParams) says otherwise. Errors thrown in hooks reach OciErrorFilter
 * through Nest's Fastify error handler.
 */
export function installEdge(fastify: FastifyInstance): void {
  collectRoutes(fastify);
  // While the service shuts down, a request on a connection that is still open is refused with the OCI body
  // (Fastify's own 503 has another shape; its return503OnClosing is off) and that connection is closed.
  let closing = false;
  fastify.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  fastify.addHook('onRequest', async (request: FastifyRequest) => {
    if (closing) throw new TagHistoryError('UNAVAILABLE', 'the service is shutting down: retry on another instance or after it restarts', {});
    const config = request.routeOptions.config as { query?: QuerySchema } | undefined;
    checkQuery(request.query, config?.query);
  });
}
