import { TagHistoryError } from '../errors/tag-history-error';
import { assertDigest } from '../reference/digest';
import { assertRepositoryName } from '../reference/repository-name';
import { assertTagName } from '../reference/tag-name';
import type { Target } from './target';

export const TAG_MEDIA_TYPE = 'application/vnd.docker.distribution.tag.v1+json';
export const TAG_JWS_MEDIA_TYPE = 'application/vnd.docker.distribution.tag.v1+jws';
export const TAG_PRETTY_JWS_MEDIA_TYPE = 'application/vnd.docker.distribution.tag.v1+prettyjws';

/** The tag object of the first-class tags proposal, `{name, tag, target}`. */
export interface TagObject {
  name: string;
  tag: string;
  target: Target;
}

// RFC 6838 type/subtype, with an optional +suffix.
const MEDIA_TYPE = /^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}\/[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,126}$/;
const MAX_SIZE = Number.MAX_SAFE_INTEGER;

/**
 * Validates a decoded tag object against the name and tag it is addressed to.
 * Unknown fields are refused rather than ignored: a field this service does
 * not understand (annotations, urls, platform...) could change what the
 * client thinks it is recording.
 */
export function parseTagObject(body: unknown, expected: { name: string; tag: string }): TagObject {
  const object = record(body, 'tag object');
  allowOnly(object, ['name', 'tag', 'target', 'mediaType'], 'tag object');
  if (object.mediaType !== undefined && object.mediaType !== TAG_MEDIA_TYPE) {
    throw invalid(`tag object mediaType must be ${TAG_MEDIA_TYPE}`, { mediaType: object.mediaType });
  }
  assertRepositoryName(object.name);
  assertTagName(object.tag);
  if (object.name !== expected.name) {
    throw new TagHistoryError('NAME_INVALID', 'name in the body does not match the path', { path: expected.name, body: object.name });
  }
  if (object.tag !== expected.tag) {
    throw new TagHistoryError('TAG_INVALID', 'tag in the body does not match the path', { path: expected.tag, body: object.tag });
  }
  return { name: object.name, tag: object.tag, target: parseTarget(object.target) };
}

export function parseTarget(value: unknown): Target {
  const target = record(value, 'target');
  allowOnly(target, ['mediaType', 'size', 'digest', 'digests'], 'target');
  const { mediaType, size } = target;
  if (typeof mediaType !== 'string' || !MEDIA_TYPE.test(mediaType)) {
    throw invalid('target.mediaType must be a media type such as application/vnd.oci.image.manifest.v1+json', { mediaType });
  }
  if (typeof size !== 'number' || !Number.isInteger(size) || size < 0 || size > MAX_SIZE) {
    throw new TagHistoryError('SIZE_INVALID', 'target.size must be a non-negative integer', { size });
  }
  return { mediaType, size, digest: canonicalDigest(target) };
}

// The proposal carries `digests`, first entry canonical; `digest` is the
// OCI descriptor spelling. Either is accepted; both must then agree.
function canonicalDigest(target: Record<string, unknown>): string {
  const { digest, digests } = target;
  if (digests !== undefined) {
    if (!Array.isArray(digests) || digests.length === 0) {
      throw invalid('target.digests must be a non-empty array', { digests });
    }
    digests.forEach((d) => assertDigest(d));
    if (digest !== undefined && digest !== digests[0]) {
      throw new TagHistoryError('DIGEST_INVALID', 'target.digest and target.digests[0] differ', { digest, digests });
    }
    return digests[0] as string;
  }
  if (digest === undefined) throw invalid('target.digest is required', {});
  assertDigest(digest);
  return digest;
}

function record(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw invalid(`${what} must be a JSON object`, {});
  }
  return value as Record<string, unknown>;
}

function allowOnly(object: Record<string, unknown>, fields: string[], what: string): void {
  const unknown = Object.keys(object).filter((key) => !fields.includes(key));
  if (unknown.length > 0) {
    throw invalid(`unknown field in ${what}: ${unknown.join(', ')}`, { fields: unknown });
  }
}

function invalid(message: string, detail: unknown): TagHistoryError {
  return new TagHistoryError('BODY_INVALID', message, detail);
}
