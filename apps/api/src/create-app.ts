import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import type { Clock } from './clock';
import { toOciError } from './http/oci-error';
import { rewriteUrl } from './http/rewrite-url';
import type { Infrastructure } from './infrastructure';

export const BODY_LIMIT = 64 * 1024;

export async function createApp(infrastructure: Infrastructure, options: { clock?: Clock; logger?: boolean } = {}): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({ bodyLimit: BODY_LIMIT, rewriteUrl: (req: { url?: string }) => rewriteUrl(req.url ?? '/') });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(infrastructure, options.clock), adapter, {
    bodyParser: false,
    logger: options.logger === false ? false : ['log', 'warn', 'error'],
  });
  const fastify = app.getHttpAdapter().getInstance();
  // Every body reaches its endpoint as bytes; the endpoint checks the media
  // type and parses, so errors get the OCI body (see http/request-body.ts).
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: BODY_LIMIT }, (_req, body, done) => done(null, body));
  // Errors raised by Fastify before a route runs (body too large, ...).
  fastify.setErrorHandler((error, _request, reply) => {
    const { status, body } = toOciError(error);
    void reply.status(status).header('content-type', 'application/json').send(body);
  });
  app.enableShutdownHooks();
  await app.init();
  return app;
}
