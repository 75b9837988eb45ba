import { createHash } from 'node:crypto';
import { TAG_MEDIA_TYPE, type Target } from '@tag-history/domain';

export const MANIFEST_MEDIA_TYPE = 'application/vnd.oci.image.manifest.v1+json';

/** A well-formed sha256 digest derived from a seed, so tests read `digest('v1')`. */
export function digest(seed: string): string {
  return `sha256:${createHash('sha256').update(seed).digest('hex')}`;
}

export function target(seed: string, size = 1234): Target {
  return { mediaType: MANIFEST_MEDIA_TYPE, size, digest: digest(seed) };
}

export function tagObject(name: string, tag: string, seed: string) {
  return { name, tag, target: target(seed) };
}

/** PUT a tag through real HTTP. */
export function putTag(url: string, name: string, tag: string, seed: string, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${url}/v2/${name}/_tags/${tag}`, {
    method: 'PUT',
    headers: { 'content-type': TAG_MEDIA_TYPE, ...headers },
    body: JSON.stringify(tagObject(name, tag, seed)),
  });
}
