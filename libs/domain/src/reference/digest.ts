import { TagHistoryError } from '../errors/tag-history-error';

// The general OCI digest grammar; anything that matches it but is not one of
// the two registered algorithms is a well-formed digest we do not support.
export const DIGEST = /^[a-z0-9]+(?:[+._-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
const HEX_LENGTH: Record<string, number> = { sha256: 64, sha512: 128 };

export function assertDigest(value: unknown): asserts value is string {
  if (typeof value !== 'string' || !DIGEST.test(value)) {
    throw new TagHistoryError('DIGEST_INVALID', 'invalid digest format', { digest: value });
  }
  const [algorithm, encoded] = value.split(':', 2) as [string, string];
  const length = HEX_LENGTH[algorithm];
  if (length === undefined) {
    throw new TagHistoryError('DIGEST_INVALID', `unsupported digest algorithm "${algorithm}"`, {
      digest: value,
      supported: Object.keys(HEX_LENGTH),
    });
  }
  if (encoded.length !== length || !/^[0-9a-f]+$/.test(encoded)) {
    throw new TagHistoryError('DIGEST_INVALID', `${algorithm} digest must be ${length} lowercase hex characters`, { digest: value });
  }
}
