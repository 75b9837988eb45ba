import { TagHistoryError } from '@tag-history/domain';

/** Versions are the entity tags: `ETag: "3"`. */
export function etag(version: number): string {
  return `"${version}"`;
}

/** `If-Match: "3"` to the version it expects; undefined when absent. */
export function parseIfMatch(header: string | string[] | undefined): number | undefined {
  if (header === undefined) return undefined;
  const match = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(String(header));
  if (!match) {
    throw new TagHistoryError('PARAMETER_INVALID', 'If-Match must be the tag\'s ETag, a quoted version such as "3"', { ifMatch: header });
  }
  return Number(match[1]);
}

/** Only `If-None-Match: *` (create, never overwrite) has a meaning for a tag. */
export function parseIfNoneMatch(header: string | string[] | undefined): boolean {
  if (header === undefined) return false;
  if (String(header).trim() !== '*') {
    throw new TagHistoryError('PARAMETER_INVALID', 'If-None-Match takes only "*"', { ifNoneMatch: header });
  }
  return true;
}

/**
 * Whether a GET's `If-None-Match` names `etag` (weak comparison, RFC 9110
 * §13.1.2): `*`, or a list of entity tags one of which is it. Anything that
 * is no entity tag matches nothing: the full answer is never wrong.
 */
export function noneMatchHits(header: string | string[] | undefined, tag: string): boolean {
  if (header === undefined) return false;
  const value = Array.isArray(header) ? header.join(',') : header;
  if (value.trim() === '*') return true;
  return value.split(',').some((t) => t.trim().replace(/^W\//, '') === tag);
}

/** `Cache-Control: no-cache` (or `max-age=0`) on a request: answer from the database, not from memory. */
export function wantsFresh(header: string | string[] | undefined): boolean {
  if (header === undefined) return false;
  return (Array.isArray(header) ? header.join(',') : header).split(',').some((d) => /^\s*(no-cache|max-age\s*=\s*0)\s*$/i.test(d));
}
