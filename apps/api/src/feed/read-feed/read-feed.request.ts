import { TagHistoryError } from '@tag-history/domain';
import type { FeedFilter } from '../../queries';
import { count, eventType, many, pageSize, repositoryName, text } from '../../http/input/query-params';
import { parseQuery, type QueryParam, type RawQuery, rawValues } from '../../http/input/query-schema';
import { decodeCursor } from '../cursor';

export const DEFAULT_LIMIT = 100;
export const MAX_LIMIT = 1_000;
export const MAX_WAIT_SECONDS = 60;

export const FEED_QUERY = {
  after: { type: 'string', format: 'cursor', parse: (raw: string) => decodeCursor(raw) } as QueryParam<number>,
  limit: pageSize(MAX_LIMIT),
  wait: count(10),
  repository: repositoryName(),
  // `type=A&type=B` and `type=A,B` both work.
  type: many(text(1_024)),
};

export interface ReadFeedRequest {
  after: number;
  limit: number;
  waitMs: number;
  filter: FeedFilter;
  /** The client asked for Server-Sent Events. */
  stream: boolean;
}

export function parseReadFeedRequest(query: RawQuery, headers: RawQuery): ReadFeedRequest {
  const stream = String(headers.accept ?? '').includes('text/event-stream');
  const q = parseQuery(query, FEED_QUERY);
  // An EventSource that reconnects says where it was in Last-Event-ID; that wins over the URL it was opened with.
  const lastEventId = stream ? rawValues(headers, 'last-event-id')[0] : undefined;
  const types = q.type.flatMap((v) => v.split(',')).filter((v) => v !== '');
  types.forEach((t) => eventType().parse(t, 'type'));
  return {
    after: lastEventId !== undefined ? decodeCursor(lastEventId) : (q.after ?? 0),
    limit: q.limit === undefined ? DEFAULT_LIMIT : positive(q.limit, 'limit'),
    waitMs: Math.min(q.wait ?? 0, MAX_WAIT_SECONDS) * 1_000,
    filter: { repository: q.repository, types },
    stream,
  };
}

function positive(n: number, name: string): number {
  if (n < 1) throw new TagHistoryError('PARAMETER_INVALID', `${name} must be at least 1`, { [name]: n });
  return n;
}
