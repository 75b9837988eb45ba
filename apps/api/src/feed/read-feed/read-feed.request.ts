import { assertRepositoryName, TagHistoryError } from '@tag-history/domain';
import type { FeedFilter } from '@tag-history/queries';
import { pageSize } from '../../http/paging';
import { decodeCursor } from '../cursor';

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1_000;
export const MAX_WAIT_SECONDS = 60;

export interface ReadFeedRequest {
  after: number;
  limit: number;
  waitMs: number;
  filter: FeedFilter;
  /** The client asked for Server-Sent Events. */
  stream: boolean;
}

type Query = Record<string, string | string[] | undefined>;

export function parseReadFeedRequest(query: Query, headers: Record<string, string | string[] | undefined>): ReadFeedRequest {
  const stream = String(headers.accept ?? '').includes('text/event-stream');
  // An EventSource that reconnects says where it was in Last-Event-ID; that wins over the URL it was opened with.
  const lastEventId = stream ? single(headers, 'last-event-id') : undefined;
  const limit = single(query, 'limit');
  const filter = { repository: single(query, 'repository'), types: list(query, 'type') };
  if (filter.repository !== undefined) assertRepositoryName(filter.repository);
  for (const type of filter.types) {
    if (!/^[A-Za-z][A-Za-z0-9]{0,63}$/.test(type)) throw new TagHistoryError('PARAMETER_INVALID', 'type must be an event type name', { type });
  }
  return {
    after: decodeCursor(lastEventId ?? single(query, 'after')),
    limit: limit === undefined ? DEFAULT_LIMIT : positive(pageSize(limit, MAX_LIMIT, 'limit'), 'limit'),
    waitMs: waitSeconds(single(query, 'wait')) * 1_000,
    filter,
    stream,
  };
}

function waitSeconds(wait: string | undefined): number {
  if (wait === undefined || wait === '') return 0;
  if (!/^\d{1,10}$/.test(wait)) throw new TagHistoryError('PARAMETER_INVALID', 'wait must be a number of seconds', { wait });
  return Math.min(Number(wait), MAX_WAIT_SECONDS);
}

function positive(n: number, name: string): number {
  if (n < 1) throw new TagHistoryError('PARAMETER_INVALID', `${name} must be at least 1`, { [name]: n });
  return n;
}

function single(source: Query, name: string): string | undefined {
  const value = source[name];
  if (Array.isArray(value)) throw new TagHistoryError('PARAMETER_INVALID', `${name} may be given once`, { [name]: value });
  return value;
}

/** `type=A&type=B` and `type=A,B` both work. */
function list(source: Query, name: string): string[] {
  const value = source[name];
  if (value === undefined) return [];
  return (Array.isArray(value) ? value : [value]).flatMap((v) => v.split(',')).filter((v) => v !== '');
}
