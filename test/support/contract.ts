import type { FastifyInstance } from 'fastify';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { ValidateFunction } from 'ajv';
import { openApiDocument, openApiPath } from '../../apps/api/src/http/openapi/openapi-document';
import { servedRoutes } from '../../apps/api/src/http/openapi/route-catalog';

type Operation = { responses: Record<string, { content?: Record<string, { schema: object }> }> };
type Document = { paths: Record<string, Record<string, Operation>> };

/**
 * The contract check of the end-to-end suite: every answer the app gives
 * through the test server must be documented in its OpenAPI document (route,
 * method, status, media type) and a JSON body must match the schema
 * documented for it. Violations are collected and reported when the app closes.
 */
export function checkAnswers(fastify: FastifyInstance): () => string[] {
  const violations: string[] = [];
  const ajv = addFormats(new Ajv2020({ strict: false, allErrors: false }));
  const validators = new Map<string, ValidateFunction>();
  let document: Document | undefined;
  fastify.addHook('onSend', async (request, reply, payload) => {
    const url = request.routeOptions.url;
    if (url === undefined) return payload; // no route: the not-found answer
    document ??= openApiDocument(servedRoutes(fastify)) as Document;
    const where = `${request.method} ${url} ${reply.statusCode}`;
    const operation = document.paths[openApiPath(url).path]?.[request.method.toLowerCase()];
    if (!operation) return (violations.push(`${where}: route not documented`), payload);
    const response = operation.responses[String(reply.statusCode)];
    if (!response) return (violations.push(`${where}: status not documented`), payload);
    const type = String(reply.getHeader('content-type') ?? '')
      .split(';', 1)[0]!
      .trim();
    if (request.method === 'HEAD' || reply.statusCode === 204 || reply.statusCode === 304) return payload;
    // An answer without a body (a redirect) matches a documented answer without content.
    if (!type && !response.content && (payload === '' || payload === undefined || payload === null)) return payload;
    const media = response.content?.[type];
    if (!media) return (violations.push(`${where}: media type ${type || '(none)'} not documented`), payload);
    if (!/json$/.test(type) || (typeof payload !== 'string' && !Buffer.isBuffer(payload))) return payload;
    const key = `${where} ${type}`;
    let validate = validators.get(key);
    if (!validate) validators.set(key, (validate = ajv.compile(media.schema)));
    if (!validate(JSON.parse(String(payload)))) violations.push(`${where} ${type}: ${ajv.errorsText(validate.errors)}`);
    return payload;
  });
  return () => violations;
}

/** Fails with the answers that broke the document, if any (call after the app closed). */
export function assertContractKept(violations: string[]): void {
  if (violations.length > 0) throw new Error(`answers that break the OpenAPI document:\n${[...new Set(violations)].join('\n')}`);
}
