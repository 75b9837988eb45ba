import { TagHistoryError } from '../errors/tag-history-error';

export const TAG_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

export function assertTagName(value: unknown): asserts value is string {
  if (typeof value !== 'string' || !TAG_NAME.test(value)) {
    throw new TagHistoryError('TAG_INVALID', 'invalid tag: it must match [A-Za-z0-9_][A-Za-z0-9._-]{0,127}', {
      tag: value,
    });
  }
}
