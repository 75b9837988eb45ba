import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sweepRegistry } from '../../apps/cli/src/gc/gc-sweep-registry';
import type { RegistryConfig } from '@tag-history/config';
import {
  type DistributionRegistry,
  eventually,
  freePort,
  password,
  registryDigest,
  skopeoCopy,
  skopeoPull,
  startDistributionRegistry,
  watchConfig,
} from '../support/distribution-registry';
import { buildImage, buildIndex } from '../support/oci-layout';
import { startTestApp, type TestApp } from '../support/test-app';

jest.setTimeout(180_000);

// Response bodies are checked by the assertions themselves.
type Body = any;
const TOKEN = 'gc-token';
let t: TestApp;
let registry: DistributionRegistry;
let config: RegistryConfig;
const dir = mkdtempSync(join(tmpdir(), 'tag-history-gc-'));

beforeAll(async () => {
  const port = await freePort();
  config = watchConfig(port, TOKEN);
  t = await startTestApp({ registry: config });
  registry = await startDistributionRegistry({ port, notify: { url: `${t.url}/v2/_notifications/distribution`, token: TOKEN } });
});
afterAll(async () => {
  await t?.close();
  await registry?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const current = async (tag: string): Promise<string | null> => {
  const res = await fetch(`${t.url}/v2/gc/app/_tags/${tag}`);
  return res.status === 200 ? ((await res.json()) as Body).target.digest : null;
};
const push = async (layout: string, tag: string, digest: string) => {
  await skopeoCopy(layout, registry, `gc/app:${tag}`, 'alice');
  await eventually(`${tag} -> ${digest}`, async () => (await current(tag)) === digest);
};

describe('gc sweep --registry against the real registry', () => {
  it('deletes a manifest untagged longer than the window, keeps one re-tagged during the sweep and the children of a referenced index; garbage-collect leaves every tagged image pullable', async () => {
    const [a, b, c] = [buildImage(dir), buildImage(dir), buildImage(dir)];
    const index = buildIndex(dir);
    await push(a.layout, 't1', a.digest);
    await push(c.layout, 't2', c.digest);
    await push(index.layout, 'multi', index.digest);
    // One child of the index was tagged on its own once.
    const childLayout = join(dir, 'child');
    await skopeoPull(registry, `gc/app@${index.children[0]}`, childLayout);
    await push(childLayout, 'x', index.children[0]!);
    // Untag A, C and the child by moving their tags to B (Distribution 2.8 cannot delete a tag alone).
    await push(b.layout, 't1', b.digest);
    await push(b.layout, 't2', b.digest);
    await push(b.layout, 'x', b.digest);
    await new Promise((r) => setTimeout(r, 1_500));

    const result = await sweepRegistry({
      db: t.infrastructure.db,
      url: t.url,
      registry: config,
      retention: 'PT1S',
      // C is tagged again in the registry while the sweep holds its lease.
      leased: () => skopeoCopy(c.layout, registry, 'gc/app:t3', 'bob'),
    });

    expect(result.deleted).toEqual([{ repository: 'gc/app', digest: a.digest }]);
    expect(result.kept).toEqual(
      expect.arrayContaining([
        { repository: 'gc/app', digest: c.digest, why: 'tagged in the registry' },
        { repository: 'gc/app', digest: index.children[0], why: `child of the referenced index ${index.digest}` },
      ]),
    );
    const closed = await t.infrastructure.db.selectFrom('events').select('data').where('type', '=', 'GcSweepClosed').executeTakeFirstOrThrow();
    expect(closed.data).toMatchObject({ count: 1, deleted: { 'gc/app': [a.digest] } });
    // The re-tag is recorded once the sweep let go of C.
    await eventually('t3 -> C', async () => (await current('t3')) === c.digest);

    const head = (digest: string) =>
      fetch(`${registry.url}/v2/gc/app/manifests/${digest}`, {
        method: 'HEAD',
        headers: { authorization: `Basic ${Buffer.from(`tagh:${password('tagh')}`).toString('base64')}`, accept: 'application/vnd.oci.image.manifest.v1+json' },
      }).then((r) => r.status);
    expect(await head(a.digest)).toBe(404);
    expect(await head(c.digest)).toBe(200);
    expect(await head(index.children[0]!)).toBe(200);

    const collected = await registry.garbageCollect();
    expect(collected).toMatch(/blobs? eligible for deletion|blob eligible/i);
    for (const tag of ['t1', 't2', 't3', 'x', 'multi']) {
      expect(await registryDigest(registry, 'gc/app', tag)).not.toBeNull();
      await skopeoPull(registry, `gc/app:${tag}`, join(dir, `pulled-${tag}`));
    }
  });
});
