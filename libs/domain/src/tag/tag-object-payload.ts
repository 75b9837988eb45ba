import type { TagObject } from './tag-object';

/**
 * The bytes the service signs for a tag object that no client signed: a fixed
 * key order, indented like Docker's signed manifests so that its pretty JWS
 * reads as the tag object itself.
 */
export function tagObjectPayload({ name, tag, target }: TagObject): string {
  return JSON.stringify({ name, tag, target: { mediaType: target.mediaType, size: target.size, digest: target.digest } }, null, 3);
}
