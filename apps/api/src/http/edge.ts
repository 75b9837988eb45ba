import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { Logger } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
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
  const message = status === 431 ? 'request headers are too large' : status === 408 ? 'request timeout' : 'malformed request: bad bytes in the request line or a header';
  const body = JSON.stringify(toOciError(Object.assign(new Error(message), { statusCode: status })).body);
  if (socket.writable) {
    socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
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
  fastify.addHook('onRequest', async (request: FastifyRequest) => {
    const config = request.routeOptions.config as { query?: QuerySchema } | undefined;
    checkQuery(request.query, config?.query);
  });
}
