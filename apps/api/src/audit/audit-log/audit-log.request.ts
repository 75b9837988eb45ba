import type { AuditFilter } from '../../queries';
import { count, dateTime, eventType, pageSize, repositoryName, tagName, text } from '../../http/input/query-params';
import { type ParsedQuery, parseQuery, type RawQuery } from '../../http/input/query-schema';

export type AuditFormat = 'json' | 'csv' | 'ndjson';

const FORMATS: Record<string, AuditFormat> = { 'application/json': 'json', 'text/csv': 'csv', 'application/x-ndjson': 'ndjson' };
export const MAX_AUDIT_PAGE = 1_000;

export const AUDIT_QUERY = {
  repository: repositoryName(),
  tag: tagName(),
  actor: text(256),
  type: eventType(),
  since: dateTime(),
  until: dateTime(),
  n: pageSize(Number.MAX_SAFE_INTEGER),
  last: count(),
};

export interface AuditRequest {
  filter: AuditFilter;
  /** Events before this position (the `last` of the previous page). */
  before?: number;
  /** `n` as given; JSON pages cut it to MAX_AUDIT_PAGE. */
  n?: number;
}

/** The first media type in Accept that the audit can produce; JSON when none is (or Accept is absent). */
export function auditFormat(accept: string | undefined): AuditFormat {
  for (const range of (accept ?? '').split(',')) {
    const format = FORMATS[range.split(';', 1)[0]!.trim().toLowerCase()];
    if (format) return format;
  }
  return 'json';
}

export function parseAuditRequest(query: RawQuery): AuditRequest {
  const { repository, tag, actor, type, since, until, n, last }: ParsedQuery<typeof AUDIT_QUERY> = parseQuery(query, AUDIT_QUERY);
  return { filter: { repository, tag, actor, type, since, until }, before: last, n };
}
