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
