// U+0000 and unpaired surrogates: Postgres refuses both in text and jsonb (and
// with them the whole transaction), and a lone surrogate has no UTF-8 encoding
// to sign. Everything else in Unicode may be stored.
const NOT_STORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Well-formed Unicode without U+0000: what may reach the database or a signed payload. */
export function isStorableText(value: string): boolean {
  return !NOT_STORABLE.test(value);
}

/** Shown instead of what cannot be stored, so that an excerpt of bad input is itself well-formed. */
export function storableExcerpt(value: string): string {
  return value.replace(new RegExp(NOT_STORABLE.source, 'g'), '\ufffd');
}
