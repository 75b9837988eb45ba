import { TagHistoryError } from '@tag-history/domain';
import { isStorableText } from './text';

/** No request of this API nests deeper; a tag object is three levels. */
export const MAX_JSON_DEPTH = 32;

/**
 * Refuses a parsed JSON body nested deeper than MAX_JSON_DEPTH or holding a
 * string (value or key) that is not storable text. Walked without recursion,
 * so no depth of input can overflow the stack.
 */
export function assertJsonInput(value: unknown): void {
  const stack: { value: unknown; depth: number; path: string }[] = [{ value, depth: 0, path: '' }];
  while (stack.length > 0) {
    const { value: v, depth, path } = stack.pop()!;
    if (typeof v === 'string') {
      if (!isStorableText(v)) throw invalid(`${path || 'body'} is not well-formed Unicode or holds U+0000`, path);
      continue;
    }
    if (typeof v !== 'object' || v === null) continue;
    if (depth >= MAX_JSON_DEPTH) throw invalid(`body nests deeper than ${MAX_JSON_DEPTH} levels`, path);
    for (const key of Object.keys(v)) {
      if (!isStorableText(key)) throw invalid(`a field name in ${path || 'body'} is not well-formed Unicode or holds U+0000`, path);
      stack.push({ value: (v as Record<string, unknown>)[key], depth: depth + 1, path: Array.isArray(v) ? `${path}[${key}]` : path ? `${path}.${key}` : key });
    }
  }
}

function invalid(message: string, path: string): TagHistoryError {
  return new TagHistoryError('BODY_INVALID', message, { at: path });
}
