import { pageSize, boolean, count } from '../../http/input/query-params';
import { nextLink } from '../../http/paging';
import { MAX_HISTORY_PAGE } from '../history-page';

/** The query of `GET /v2/<name>/_tags/<tag>/history`, parsed the same way by the controller and the fast path. */
export const HISTORY_QUERY = { n: pageSize(MAX_HISTORY_PAGE), last: count(), proof: boolean() };

export const HISTORY_CONTENT_TYPE = 'application/json; charset=utf-8';

/** The JSON answer as text around the events' JSON texts: what Fastify would have serialised, the events copied through. */
export function historyBody(name: string, tag: string, events: string): string {
  return `{"name":${JSON.stringify(name)},"tag":${JSON.stringify(tag)},"events":[${events}]}`;
}

/** The `Link` to the next page, when older events remain after a page whose oldest event is `oldest`. */
export function historyLink(name: string, tag: string, size: number, more: boolean, oldest: number | undefined): string | undefined {
  if (!more || oldest === undefined) return undefined;
  return nextLink(`/v2/${name}/_tags/${tag}/history`, { n: String(size), last: String(oldest) });
}
