import { storableExcerpt } from './text';

/** How much of a caller's input an error may echo, per value. */
export const MAX_EXCERPT = 256;
const MAX_LIST = 16;
const MAX_FIELDS = 16;

export type FlatValue = string | number | boolean | null | (string | number | boolean | null)[];

/**
 * An error's `detail` as a flat object: short strings, numbers, booleans and
 * short lists of them; anything else becomes a bounded text excerpt. Input of
 * any depth or size (a 32,000-deep array in a digest field) never reaches the
 * serialiser whole.
 */
export function flatDetail(detail: unknown): Record<string, FlatValue> | undefined {
  if (detail === undefined) return undefined;
  if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) return { value: flatValue(detail) };
  const flat: Record<string, FlatValue> = {};
  let fields = 0;
  for (const key in detail) {
    if (!Object.hasOwn(detail, key)) continue;
    if (++fields > MAX_FIELDS) break;
    flat[excerpt(key, 64)] = flatValue((detail as Record<string, unknown>)[key]);
  }
  return flat;
}

function flatValue(value: unknown): FlatValue {
  if (typeof value === 'number' || typeof value === 'boolean' || value === null) return value;
  if (typeof value === 'string') return excerpt(value);
  if (Array.isArray(value) && value.length <= MAX_LIST && value.every((v) => v === null || ['string', 'number', 'boolean'].includes(typeof v))) {
    return value.map((v) => (typeof v === 'string' ? excerpt(v) : (v as number | boolean | null)));
  }
  return excerpt(render(value, 3, MAX_EXCERPT + 1));
}

/** At most `max` characters of a string, marked with … when cut. */
export function excerpt(value: string, max = MAX_EXCERPT): string {
  const text = storableExcerpt(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

// JSON-like text of a value, stopped at a depth and after about `budget` characters.
function render(value: unknown, depth: number, budget: number): string {
  if (typeof value === 'string') return JSON.stringify(value.slice(0, budget));
  if (value === null || typeof value !== 'object') return String(value);
  const array = Array.isArray(value);
  if (depth === 0) return array ? '[…]' : '{…}';
  let out = array ? '[' : '{';
  for (const key in value) {
    if (out.length > budget) return `${out}…`;
    const item = render((value as Record<string, unknown>)[key], depth - 1, budget - out.length);
    out += `${out.length > 1 ? ',' : ''}${array ? '' : `${JSON.stringify(key.slice(0, budget))}:`}${item}`;
  }
  return out + (array ? ']' : '}');
}
