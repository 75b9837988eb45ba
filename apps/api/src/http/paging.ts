import { TagHistoryError } from '@tag-history/domain';

/**
 * `n` as a page size: absent means the cap, larger than the cap is cut to it
 * (the `n` in the next link then says what was applied).
 */
export function pageSize(n: string | undefined, max: number, name = 'n'): number {
  if (n === undefined || n === '') return max;
  if (!/^\d{1,10}$/.test(n)) throw new TagHistoryError('PARAMETER_INVALID', `${name} must be a non-negative integer`, { [name]: n });
  return Math.min(Number(n), max);
}

export function nextLink(path: string, query: Record<string, string>): string {
  return `<${path}?${new URLSearchParams(query).toString()}>; rel="next"`;
}
