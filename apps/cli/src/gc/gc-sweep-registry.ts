import type { Database } from '@tag-history/database';
import type { Kysely } from 'kysely';
import { RegistryClient } from '../../../api/src/registry/registry-client';
import type { RegistryConfig } from '@tag-history/config';
import { ensureOk } from './api-client';

const INDEX_TYPES = ['application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json'];

export interface RegistrySweepResult {
  sweep: string;
  candidates: number;
  unreferenced: number;
  deleted: { repository: string; digest: string }[];
  kept: { repository: string; digest: string; why: string }[];
}

type Manifest = { repository: string; digest: string };
const key = (m: Manifest) => `${m.repository}@${m.digest}`;

/**
 * `gc sweep --registry`: the manifests this service saw tagged that are no
 * longer referenced (outside the recovery window, not pinned) are leased
 * through the sweep protocol, deleted in the registry with
 * `DELETE /v2/<name>/manifests/<digest>`, and the sweep is closed with
 * exactly what the registry confirmed deleted. Kept: children of an image
 * index that is still referenced, and any manifest a tag in the registry
 * points at right before the delete (re-tagged during the sweep: the
 * registry's notification may still be on its way).
 */
export async function sweepRegistry(options: {
  db: Kysely<Database>;
  url: string;
  registry: Pick<RegistryConfig, 'url' | 'username' | 'password'>;
  retention?: string;
  /** Unreferenced manifests handled (deleted or kept), of all of them. */
  onProgress?(done: number, total: number): void;
  /** Called once the candidates are leased, before anything is deleted. */
  leased?: () => Promise<void>;
}): Promise<RegistrySweepResult> {
  const client = new RegistryClient(options.registry);
  const retention = options.retention ? `retention=${encodeURIComponent(options.retention)}` : '';
  const referencedRes = await ensureOk(await fetch(`${options.url}/v2/_gc/referenced?${retention}`));
  const [header, ...lines] = (await referencedRes.text())
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  if (!lines.length || typeof lines[lines.length - 1]!.count !== 'number') throw new Error('the referenced set ended early: nothing swept');
  const referenced = new Set(lines.filter((l) => typeof l.digest === 'string').map((l) => key(l as unknown as Manifest)));

  const seen = await options.db.selectFrom('tag_history').select(['repository', 'digest', 'media_type']).distinct().execute();
  const candidates = seen.filter((m) => !referenced.has(key(m)));
  const sweepRes = await ensureOk(
    await fetch(`${options.url}/v2/_gc/sweeps?cursor=${header!.cursor}${retention ? `&${retention}` : ''}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body: candidates.map((c) => `${JSON.stringify({ repository: c.repository, digest: c.digest })}\n`).join(''),
    }),
  );
  const sweep = (await sweepRes.json()) as { id: string; unreferenced: Manifest[] };
  const unreferenced = new Set(sweep.unreferenced.map(key));
  await options.leased?.();

  // Children of every index that stays are kept with it.
  const protectedChildren = new Map<string, string>();
  for (const index of seen.filter((m) => INDEX_TYPES.includes(m.media_type) && !unreferenced.has(key(m)))) {
    for (const child of await client.indexChildren(index.repository, index.digest)) {
      protectedChildren.set(key({ repository: index.repository, digest: child }), index.digest);
    }
  }
  const result: RegistrySweepResult = { sweep: sweep.id, candidates: candidates.length, unreferenced: sweep.unreferenced.length, deleted: [], kept: [] };
  const taggedNow = new Map<string, Set<string>>();
  for (const [done, manifest] of sweep.unreferenced.entries()) {
    options.onProgress?.(done, sweep.unreferenced.length);
    const parent = protectedChildren.get(key(manifest));
    if (parent) {
      result.kept.push({ ...manifest, why: `child of the referenced index ${parent}` });
      continue;
    }
    const tagged = taggedNow.get(manifest.repository) ?? (await tagsInRegistry(client, manifest.repository));
    taggedNow.set(manifest.repository, tagged);
    if (tagged.has(manifest.digest)) {
      result.kept.push({ ...manifest, why: 'tagged in the registry' });
      continue;
    }
    if (await client.deleteManifest(manifest.repository, manifest.digest)) result.deleted.push(manifest);
  }
  await ensureOk(
    await fetch(`${options.url}/v2/_gc/sweeps/${encodeURIComponent(sweep.id)}`, {
      method: 'DELETE',
      headers: { 'content-type': 'application/x-ndjson' },
      body: result.deleted.map((d) => `${JSON.stringify(d)}\n`).join(''),
    }),
  );
  return result;
}

/** The digests the repository's tags point at in the registry now. */
async function tagsInRegistry(client: RegistryClient, repository: string): Promise<Set<string>> {
  const digests = new Set<string>();
  for (const tag of await client.listTags(repository)) {
    const target = await client.headTag(repository, tag);
    if (target) digests.add(target.digest);
  }
  return digests;
}
