import type { FastifyInstance } from 'fastify';
import { MIN_POSITION_HEADER } from '../http/read-your-writes';
import type { LogReader } from '../infrastructure/transparency/log-reader';

const INCLUSION = '/v2/_log/proof/inclusion';
const CONSISTENCY = '/v2/_log/proof/consistency';
// What count() accepts, without leading zeros: anything else (and 0) goes the ordinary way, which says what is wrong.
const NUMBER = /^[1-9]\d{0,14}$/;

/**
 * Proofs answered before Nest, as fast-lookups.ts does for current tags: a
 * GET or HEAD whose query is exactly its two numbers, for sizes already
 * known signed, with every node in the kept tiles, and no authentication
 * configured. The body and headers are the controllers'; everything else (a
 * size to look up, a tile to read, an error to explain) goes the ordinary way.
 */
export function installFastProofs(fastify: FastifyInstance, log: LogReader): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return done();
    const route = request.routeOptions.url;
    if ((route !== INCLUSION && route !== CONSISTENCY) || request.headers[MIN_POSITION_HEADER] !== undefined) return done();
    const query = numbers(request.url, route === INCLUSION ? ['position', 'size'] : ['from', 'to']);
    const body = query && (route === INCLUSION ? log.inclusionJson(query[0], query[1]) : log.consistencyJson(query[0], query[1]));
    if (body === undefined) return done();
    void reply.header('content-type', 'application/json; charset=utf-8').send(body);
  });
}

/** The values of exactly the parameters `names`, each once and a positive integer; undefined for any other query. */
function numbers(url: string, names: readonly [string, string]): [number, number] | undefined {
  const query = url.slice(url.indexOf('?') + 1);
  const pairs = url.includes('?') ? query.split('&') : [];
  if (pairs.length !== 2) return undefined;
  const values: (number | undefined)[] = [undefined, undefined];
  for (const pair of pairs) {
    const at = pair.indexOf('=');
    const slot = names.indexOf(pair.slice(0, at));
    const value = pair.slice(at + 1);
    if (at < 0 || slot < 0 || values[slot] !== undefined || !NUMBER.test(value)) return undefined;
    values[slot] = Number(value);
  }
  return values as [number, number];
}
