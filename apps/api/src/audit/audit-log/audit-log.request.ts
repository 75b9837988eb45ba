import { assertRepositoryName, assertTagName, TagHistoryError } from '@tag-history/domain';
import type { AuditFilter } from '@tag-history/queries';

export type AuditFormat = 'json' | 'csv' | 'ndjson';

const FORMATS: Record<string, AuditFormat> = { 'application/json': 'json', 'text/csv': 'csv', 'application/x-ndjson': 'ndjson' };

/** The first media type in Accept that the audit can produce; JSON when none is (or Accept is absent). */
export function auditFormat(accept: string | undefined): AuditFormat {
  for (const range of (accept ?? '').split(',')) {
    const format = FORMATS[range.split(';', 1)[0]!.trim().toLowerCase()];
    if (format) return format;
  }
  return 'json';
}

export function parseAuditFilter(query: Record<string, string | undefined>): AuditFilter {
  const { repository, tag, actor, type, since, until } = query;
  if (repository !== undefined) assertRepositoryName(repository);
  if (tag !== undefined) assertTagName(tag);
  if (actor !== undefined && (actor === '' || actor.length > 256)) throw invalid('actor must be 1 to 256 characters', { actor });
  if (type !== undefined && !/^[A-Za-z][A-Za-z0-9]{0,63}$/.test(type)) throw invalid('type must be an event type such as TagMoved', { type });
  return { repository, tag, actor, type, since: time('since', since), until: time('until', until) };
}

export function parseBefore(last: string | undefined): number | undefined {
  if (last === undefined) return undefined;
  if (!/^\d{1,15}$/.test(last)) throw invalid('last must be the position of the last event seen', { last });
  return Number(last);
}

function time(name: string, value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const date = /^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2}))?$/.test(value) ? new Date(value) : new Date(NaN);
  if (Number.isNaN(date.getTime())) throw invalid(`${name} must be an RFC 3339 time such as 2026-01-31T12:00:00Z`, { [name]: value });
  return date;
}

function invalid(message: string, detail: unknown): TagHistoryError {
  return new TagHistoryError('PARAMETER_INVALID', message, detail);
}
