import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { type FastifyReply, LogController } from 'fastify';
import type { Logger } from 'pino';
import { AppModule } from './app.module';
import type { AccessOptions } from './auth/access-options';
import type { Clock } from './infrastructure/clock';
import { clientErrorHandler, installEdge, sendOciError } from './http/edge';
import { installReadYourWrites } from './http/read-your-writes';
import { rewriteUrl } from './http/rewrite-url';
import { CurrentTags } from '@tag-history/queries';
import { installFastLookups } from './tags/current-tags/fast-lookups';
import { installFastProofs } from './transparency/fast-proofs';
import { LogReader } from './infrastructure/transparency/log-reader';
import { installFastHistory } from './history/tag-history/fast-history';
import type { Infrastructure } from './infrastructure/open-infrastructure';
import { createLogger, NestPinoLogger, requestId } from './observability/logger';
import { observeRequests } from './observability/observe-requests';
import { ServiceMetrics } from './observability/service-metrics';
import type { RegistryConfig } from '@tag-history/config';

export const BODY_LIMIT = 64 * 1024;
/** A batch of 1,000 operations with long names and digests stays under this. */
export const BATCH_BODY_LIMIT = 1024 * 1024;
// A name of 255 characters with its slashes folded to %2F (rewrite-url.ts) is one route
// parameter; find-my-way's default of 100 would answer valid names and tags with a 414,
// where a name that is too long should get the grammar's 400 NAME_INVALID.
const MAX_PARAM_LENGTH = 1024;

const NEGOTIATED_ROUTES = new Set(['/v2/:name/_tags/:tag', '/v2/_resolve']);

export interface AppOptions {
  clock?: Clock;
  /** JSON lines (pino); false: none. */
  logger?: false | Logger;
  access?: AccessOptions;
  uiDir?: string;
  registry?: RegistryConfig;
  /** The bearer token `GET /metrics` asks for (METRICS_TOKEN). */
  metricsToken?: string;
  /** false: every request goes through Nest (the tests compare the fast paths' answers with it). */
  fastPaths?: boolean;
}

export async function createApp(infrastructure: Infrastructure, options: AppOptions = {}): Promise<NestFastifyApplication> {
  const logger = options.logger === false ? createLogger('silent') : (options.logger ?? createLogger('info'));
  const metrics = new ServiceMetrics(async () =>
    Number((await infrastructure.db.selectFrom('log_head').select('position').executeTakeFirstOrThrow()).position),
  );
  infrastructure.eventStore.observer = metrics;
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    // One line per request, written when its answer is sent (observe-requests.ts), instead of Fastify's two.
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: 'requestId' }),
    genReqId: requestId,
    // http/edge.ts refuses requests during shutdown with the OCI body.
    return503OnClosing: false,
    bodyLimit: BATCH_BODY_LIMIT,
    routerOptions: { maxParamLength: MAX_PARAM_LENGTH },
    rewriteUrl: (req: { url?: string }) => rewriteUrl(req.url ?? '/'),
    // The router's own errors (a parameter over maxParamLength: 414, bad percent-encoding) and Node's get the OCI body too.
    frameworkErrors: (error: Error, _request: unknown, reply: FastifyReply) => sendOciError(error, reply),
    clientErrorHandler,
  });
  const metricsAccess = { token: options.metricsToken, authenticated: Boolean(options.access?.tokens) };
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.forRoot(infrastructure, options.clock, options.access, options.uiDir, options.registry, { metrics, access: metricsAccess }),
    adapter,
    { bodyParser: false, logger: options.logger === false ? false : new NestPinoLogger(logger) },
  );
  const fastify = app.getHttpAdapter().getInstance();
  observeRequests(fastify, metrics);
  installEdge(fastify);
  installReadYourWrites(fastify);
  // Every body reaches its endpoint as bytes; the endpoint checks the media
  // type and parses, so errors get the OCI body (see http/request-body.ts).
  // Fastify's own errors (body too large...) reach the same OciErrorFilter through Nest.
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: BATCH_BODY_LIMIT }, (req, body, done) => {
    const batch = req.url.split('?', 1)[0] === '/v2/_batch';
    if (!batch && (body as Buffer).length > BODY_LIMIT) return done(Object.assign(new Error('Request body is too large'), { statusCode: 413 }), undefined);
    done(null, body);
  });
  // NDJSON bodies (GC sweeps: up to a million lines) reach their endpoint as a stream, read line by line there.
  fastify.addContentTypeParser('application/x-ndjson', (_req, payload, done) => done(null, payload));
  // Reads whose media type follows Accept say so on every answer, errors included (a 401 or 404 too).
  fastify.addHook('onRequest', (request, reply, done) => {
    if ((request.method === 'GET' || request.method === 'HEAD') && NEGOTIATED_ROUTES.has(request.routeOptions.url ?? '')) void reply.header('vary', 'Accept');
    done();
  });
  // Only without tokens: with them, every request passes the AccessGuard.
  const currentTags = app.get(CurrentTags);
  metrics.watchTagCache(() => (currentTags.serving ? currentTags.position : undefined));
  if (!options.access?.tokens && options.fastPaths !== false) {
    installFastLookups(fastify, currentTags);
    installFastProofs(fastify, app.get(LogReader));
    // With replicas, reads go through the read router; the pool is the primary's only.
    installFastHistory(fastify, infrastructure.readDb, infrastructure.readDb === infrastructure.db ? infrastructure.pool : undefined);
  }
  await app.init();
  return app;
}
