import { createHash } from 'node:crypto';
import { TAG_MEDIA_TYPE } from '@tag-history/domain';

/** Creates tags t0..t<count-1> through the API, 32 at a time. */
export async function createTags(url: string, repository: string, count: number): Promise<void> {
  for (let first = 0; first < count; first += 32) {
    const batch = Array.from({ length: Math.min(32, count - first) }, (_, i) => `t${first + i}`);
    await Promise.all(
      batch.map(async (tag) => {
        const digest = `sha256:${createHash('sha256').update(`${repository}:${tag}`).digest('hex')}`;
        const res = await fetch(`${url}/v2/${repository}/_tags/${tag}`, {
          method: 'PUT',
          headers: { 'content-type': TAG_MEDIA_TYPE },
          body: JSON.stringify({ name: repository, tag, target: { mediaType: 'application/vnd.oci.image.manifest.v1+json', size: 1234, digest } }),
        });
        if (!res.ok) throw new Error(`creating ${repository}:${tag} answered ${res.status}: ${await res.text()}`);
      }),
    );
  }
}
