import { pageSize as pageSizeParam } from './input/query-params';

export function nextLink(path: string, query: Record<string, string>): string {
  return `<${path}?${new URLSearchParams(query).toString()}>; rel="next"`;
}

/** `n` as a page size for routes without a query schema (see input/query-params.ts pageSize). */
export function pageSize(n: string | undefined, max: number, name = 'n'): number {
  return n === undefined ? max : pageSizeParam(max).parse(n, name);
}
