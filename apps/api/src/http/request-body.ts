import { TagHistoryError } from '@tag-history/domain';
import { assertJsonInput } from './input/json-input';

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

/**
 * Bodies arrive as raw bytes (see create-app.ts); each endpoint says which
 * media types it takes, so that a wrong content type is a 415 with the OCI
 * body rather than a parser's error. The bytes must be UTF-8 and the JSON
 * storable (assertJsonInput) before any field is looked at.
 */
export function readJsonBody(body: unknown, contentType: string | undefined, accepted: readonly string[]): unknown {
  const type = mediaType(contentType);
  if (!type || !accepted.includes(type)) {
    throw new TagHistoryError('UNSUPPORTED', `content type must be one of ${accepted.join(', ')}`, { contentType: contentType ?? null });
  }
  let text: string;
  try {
    text = Buffer.isBuffer(body) ? utf8.decode(body) : '';
  } catch {
    throw new TagHistoryError('BODY_INVALID', 'body is not UTF-8');
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new TagHistoryError('BODY_INVALID', `body is not valid JSON: ${(error as Error).message}`);
  }
  assertJsonInput(value);
  return value;
}

/** The media type of a Content-Type header, lowercase, without parameters. */
export function mediaType(contentType: string | undefined): string | undefined {
  return contentType?.split(';', 1)[0]!.trim().toLowerCase() || undefined;
}
