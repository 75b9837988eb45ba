import { assertDigest, TagHistoryError } from '@tag-history/domain';
import type { RestorePoint } from './restore-tag.command';

/** `{"version": n}` or `{"digest": "sha256:..."}`, exactly one of them. */
export function parseRestorePoint(body: unknown): RestorePoint {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new TagHistoryError('BODY_INVALID', 'body must be a JSON object with version or digest', {});
  }
  const fields = Object.keys(body);
  const { version, digest } = body as Record<string, unknown>;
  if (fields.length !== 1 || (version === undefined && digest === undefined)) {
    throw new TagHistoryError('BODY_INVALID', 'body must have exactly one field: version or digest', { fields });
  }
  if (digest !== undefined) {
    assertDigest(digest);
    return { digest };
  }
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1 || version > 2 ** 31 - 1) {
    throw new TagHistoryError('BODY_INVALID', 'version must be a positive integer', { version });
  }
  return { version };
}
