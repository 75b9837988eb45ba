import { TagHistoryError } from '@tag-history/domain';

/**
 * Bodies arrive as raw bytes (see create-app.ts); each endpoint says which
 * media types it takes, so that a wrong content type is a 415 with the OCI
 * body rather than a parser's error.
 */
export function readJsonBody(body: unknown, contentType: string | undefined, accepted: readonly string[]): unknown {
  const mediaType = contentType?.split(';', 1)[0]!.trim().toLowerCase();
  if (!mediaType || !accepted.includes(mediaType)) {
    throw new TagHistoryError('UNSUPPORTED', `content type must be one of ${accepted.join(', ')}`, { contentType: contentType ?? null });
  }
  const text = Buffer.isBuffer(body) ? body.toString('utf8') : '';
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new TagHistoryError('BODY_INVALID', `body is not valid JSON: ${(error as Error).message}`);
  }
}
