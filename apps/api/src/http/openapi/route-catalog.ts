import type { FastifyInstance } from 'fastify';
import type { RouteDoc } from './api';

/** A route as Fastify serves it, with the description its controller gave. */
export interface ServedRoute {
  method: string;
  url: string;
  doc: RouteDoc;
}

const catalogs = new WeakMap<FastifyInstance, ServedRoute[]>();

/** Records every route added from now on (call before Nest registers its routes). */
export function collectRoutes(fastify: FastifyInstance): void {
  const routes: ServedRoute[] = [];
  catalogs.set(fastify, routes);
  fastify.addHook('onRoute', (route) => {
    const doc = (route.config as { doc?: RouteDoc } | undefined)?.doc ?? {};
    for (const method of [route.method].flat()) routes.push({ method, url: route.url ?? route.path, doc });
  });
}

export function servedRoutes(fastify: FastifyInstance): ServedRoute[] {
  return catalogs.get(fastify) ?? [];
}
