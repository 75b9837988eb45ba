import { FASTIFY_ROUTE_CONFIG_METADATA } from '@nestjs/platform-fastify/constants';
import type { TSchema } from '@sinclair/typebox';
import type { QuerySchema } from '../input/query-schema';

/** A documented answer: its media types (JSON schemas for JSON ones) and the headers it sets. */
export interface ResponseDoc {
  description?: string;
  /** Media type to body schema; `application/json` by default. A string schema is any text. */
  content?: Record<string, TSchema>;
  headers?: string[];
}

/**
 * What a route says about itself beyond its method and path, read by the
 * OpenAPI document (openapi-document.ts), the edge (query checks) and the
 * contract test (response checks). Query parameters are the very schema
 * the route parses its query with.
 */
export interface RouteDoc {
  summary?: string;
  query?: QuerySchema;
  /** Request headers the route reads, by lowercase name (see HEADERS in openapi-document.ts). */
  headers?: string[];
  /** Request body media types and their schemas. */
  body?: Record<string, TSchema>;
  /** Success and route-specific error statuses; the errors every route can answer are added. */
  responses?: Record<number, ResponseDoc>;
}

/**
 * Documents a route. Kept in Fastify's route config (merged with what other
 * `Api` decorators of the same route said), so that every route Fastify
 * serves carries its own description.
 */
export function Api(doc: RouteDoc): MethodDecorator {
  return (_target, _key, descriptor: PropertyDescriptor) => {
    const config = (Reflect.getMetadata(FASTIFY_ROUTE_CONFIG_METADATA, descriptor.value) ?? {}) as { doc?: RouteDoc; query?: QuerySchema };
    const merged = { ...config.doc, ...doc, responses: { ...config.doc?.responses, ...doc.responses } };
    Reflect.defineMetadata(FASTIFY_ROUTE_CONFIG_METADATA, { ...config, doc: merged, ...(merged.query ? { query: merged.query } : {}) }, descriptor.value);
    return descriptor;
  };
}
