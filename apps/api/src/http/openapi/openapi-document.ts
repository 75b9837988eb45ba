import { STATUS_CODES } from 'node:http';
import type { TSchema } from '@sinclair/typebox';
import type { QueryParam } from '../input/query-schema';
import type { ResponseDoc } from './api';
import type { ServedRoute } from './route-catalog';
import { AnyJson, Count, Digest, Name, OciError, Tag, Text } from './schemas';

/** Path parameters have one meaning wherever they appear. */
const PATH_PARAMS: Record<string, TSchema> = { name: Name, tag: Tag, digest: Digest, position: Count, id: Text, path: Text };

/** Request headers routes read, and what they mean. */
const HEADERS: Record<string, { description: string; schema?: TSchema }> = {
  accept: { description: 'The media types the caller takes (q-values honoured).' },
  'content-type': { description: 'The media type of the body.' },
  'if-match': { description: 'The version the write expects, as an ETag ("<version>").' },
  'if-none-match': { description: 'On a write, `*`: create only. On a read, the ETags the caller holds: 304 when one is current.' },
  'cache-control': { description: "`no-cache` (or `max-age=0`): read the database, not this instance's memory." },
  'tag-history-min-position': { description: 'Answer only from a copy of the log that has this position (read-your-writes across replicas).' },
  'x-request-id': { description: 'Kept (1 to 128 printable characters) and echoed; otherwise one is made.' },
  'idempotency-key': { description: 'A retry with the same key and request gets the first answer again; 1 to 255 visible ASCII characters.' },
  'last-event-id': { description: 'Where an EventSource that reconnects was (wins over `after`).' },
};

/** Answer headers, by lowercase name. */
const RESPONSE_HEADERS: Record<string, string> = {
  etag: 'The tag version, `"<version>"`.',
  location: "The written resource's URL.",
  link: 'The next page: `<url>; rel="next"`.',
  vary: '`Accept` where the answer follows it.',
  'idempotent-replayed': '`true` on an answer given again for an Idempotency-Key.',
  'docker-distribution-api-version': '`registry/2.0`.',
  'www-authenticate': 'The bearer challenge (realm, service, scope).',
  'cache-control': 'How long the answer may be kept.',
  'tag-history-position': 'The log position a read must reach to see this write (send it as Tag-History-Min-Position).',
  'x-request-id': 'The request id of the log line.',
};

/** What any route may answer besides its own statuses: the edge, the access guard and the database. */
const COMMON_ERRORS: Record<number, string> = {
  400: 'Malformed input (a name, tag, digest, parameter or header).',
  401: 'No token, or an invalid one (when authentication is on).',
  403: 'The token lacks the scope.',
  404: 'No such resource.',
  414: 'A path whose name is over 1,024 characters.',
  431: 'Request headers over 16 KiB.',
  500: 'A fault of the service (never caused by input).',
  503: 'The database or the token issuer cannot be reached.',
};
const BODY_ERRORS: Record<number, string> = { 413: 'A body over its limit.', 415: 'A content type the route does not take.' };

/**
 * The OpenAPI 3.1 document of the routes the app serves, built from the
 * routes themselves (route-catalog.ts) and the schemas they declare with
 * `@Api`: nothing in it is written apart from the routes.
 */
export function openApiDocument(routes: readonly ServedRoute[]): object {
  const paths: Record<string, Record<string, object>> = {};
  for (const route of routes) {
    const { path, pathParams } = openApiPath(route.url);
    (paths[path] ??= {})[route.method.toLowerCase()] = operation(route, pathParams);
  }
  return {
    openapi: '3.1.0',
    info: { title: 'tag-history', version: '2', description: 'Signed, append-only history of container registry tags.' },
    jsonSchemaDialect: 'https://spec.openapis.org/oas/3.1/dialect/base',
    components: {
      schemas: { OciError },
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'Registry token auth, when AUTH_JWKS is set.' } },
    },
    security: [{}, { bearer: [] }],
    paths: Object.fromEntries(Object.entries(paths).sort(([a], [b]) => a.localeCompare(b))),
  };
}

/** `/v2/:name/_tags/:tag` as `/v2/{name}/_tags/{tag}`; Fastify's wildcard `*` is `{path}`. */
export function openApiPath(url: string): { path: string; pathParams: string[] } {
  const pathParams: string[] = [];
  const path = url.replace(/:(\w+)|\*/g, (_m, name: string | undefined) => {
    pathParams.push(name ?? 'path');
    return `{${name ?? 'path'}}`;
  });
  return { path, pathParams };
}

function operation(route: ServedRoute, pathParams: string[]): object {
  const { doc } = route;
  const head = route.method === 'HEAD';
  const parameters = [
    ...pathParams.map((name) => ({ name, in: 'path', required: true, schema: PATH_PARAMS[name] ?? Text })),
    ...Object.entries(doc.query ?? {}).map(([name, param]) => ({ name, in: 'query', required: param.required === true, schema: querySchema(param) })),
    ...(doc.headers ?? []).map((name) => ({ name, in: 'header', required: false, description: HEADERS[name]?.description, schema: Text })),
  ];
  const responses: Record<string, object> = {};
  const declared = doc.responses ?? {};
  const success = Object.keys(declared).some((status) => Number(status) < 400) ? {} : { 200: {} };
  for (const [status, response] of Object.entries({ ...success, ...declared })) responses[status] = responseObject(Number(status), response, head);
  const errors = { ...COMMON_ERRORS, ...(doc.body ? BODY_ERRORS : {}) };
  for (const [status, description] of Object.entries(errors))
    responses[status] ??= responseObject(Number(status), { description, content: { 'application/json': OciError } }, head);
  return {
    operationId: `${route.method.toLowerCase()}${route.url.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
    ...(doc.summary ? { summary: doc.summary } : {}),
    parameters,
    ...(doc.body ? { requestBody: { required: true, content: mediaTypes(doc.body) } } : {}),
    responses,
  };
}

function responseObject(status: number, response: ResponseDoc, head: boolean): object {
  const content: Record<string, TSchema> = response.content ?? (status === 204 ? {} : { 'application/json': status >= 400 ? OciError : AnyJson });
  const headers = Object.fromEntries((response.headers ?? []).map((h) => [h, { description: RESPONSE_HEADERS[h] ?? h, schema: { type: 'string' } }]));
  return {
    description: response.description ?? STATUS_CODES[status] ?? String(status),
    ...(Object.keys(headers).length > 0 ? { headers } : {}),
    ...(!head && Object.keys(content).length > 0 ? { content: mediaTypes(content) } : {}),
  };
}

function mediaTypes(content: Record<string, TSchema>): Record<string, { schema: TSchema }> {
  return Object.fromEntries(Object.entries(content).map(([type, schema]) => [type, { schema }]));
}

function querySchema(param: QueryParam<unknown>): object {
  const { type, format, pattern, maxLength } = param;
  const one = { type, ...(format ? { format } : {}), ...(pattern ? { pattern } : {}), ...(maxLength ? { maxLength } : {}) };
  return param.multi ? { type: 'array', items: one } : one;
}
