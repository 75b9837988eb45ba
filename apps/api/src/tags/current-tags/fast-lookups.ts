import { TAG_MEDIA_TYPE, tagStreamId } from '@tag-history/domain';
import type { CurrentTags } from '@tag-history/queries';
import type { FastifyInstance } from 'fastify';
import { negotiate } from '../../http/negotiate';
import { etag, noneMatchHits } from '../../http/preconditions';
import { MIN_POSITION_HEADER } from '../../http/read-your-writes';
import { TAG_REPRESENTATIONS } from '../tag-representation/represent-tag';

const ROUTE = '/v2/:name/_tags/:tag';
const JSON_TYPES = new Set([TAG_MEDIA_TYPE, 'application/json']);

/**
 * The lookup on every pull's path, answered before Nest: a `+json` GET or
 * HEAD of a current tag the cache holds, without query parameters, without
 * authentication configured. The answer is the one GetTagController gives
 * (the same body, ETag, Vary and 304); everything else (a miss, a tag that
 * does not exist, `no-cache`, another media type, a token to check) goes the
 * ordinary way.
 */
export function installFastLookups(fastify: FastifyInstance, tags: CurrentTags): void {
  fastify.addHook('onRequest', (request, reply, done) => {
    if ((request.method !== 'GET' && request.method !== 'HEAD') || request.routeOptions.url !== ROUTE || !tags.serving) return done();
    const headers = request.headers;
    // Cache-Control and Tag-History-Min-Position may ask for more than memory has: the ordinary way decides.
    if (request.url.includes('?') || headers['cache-control'] !== undefined || headers[MIN_POSITION_HEADER] !== undefined) return done();
    const { name, tag } = request.params as { name: string; tag: string };
    const entry = tags.cache.get(tagStreamId(name, tag));
    if (!entry?.view) return done();
    let mediaType: string;
    try {
      mediaType = negotiate(headers.accept, TAG_REPRESENTATIONS);
    } catch {
      return done();
    }
    if (!JSON_TYPES.has(mediaType)) return done();
    const tagEtag = etag(entry.view.version);
    void reply.header('etag', tagEtag);
    if (noneMatchHits(headers['if-none-match'], tagEtag)) return void reply.code(304).send();
    entry.json ??= JSON.stringify(entry.view);
    void reply.header('content-type', mediaType).send(entry.json);
  });
}
