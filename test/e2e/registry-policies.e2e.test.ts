import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from '../../apps/api/src/create-app';
import { type DistributionRegistry, eventually, freePort, skopeoCopy, startDistributionRegistry, watchConfig } from '../support/distribution-registry';
import { putTag } from '../support/fixtures';
import { buildImage } from '../support/oci-layout';
import { createTestInfrastructure, type TestInfrastructure } from '../support/test-infrastructure';

jest.setTimeout(180_000);
process.env.POLICY_RUN_INTERVAL = 'PT0S';

// Response bodies are checked by the assertions themselves.
type Body = any;
const TOKEN = 'notify-secret-policies-0123';
let infrastructure: TestInfrastructure;
let app: NestFastifyApplication;
let serviceUrl = '';
let registry: DistributionRegistry;
let images: string;

beforeAll(async () => {
  images = mkdtempSync(join(tmpdir(), 'tag-history-policy-images-'));
  infrastructure = await createTestInfrastructure();
  const port = await freePort();
  app = await createApp(infrastructure, { logger: false, registry: watchConfig(port, TOKEN) });
  await app.listen(0, '127.0.0.1');
  serviceUrl = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  registry = await startDistributionRegistry({ port, notify: { url: `${serviceUrl}/v2/_notifications/distribution`, token: TOKEN } });
});

afterAll(async () => {
  await app?.close();
  await registry?.stop();
  await infrastructure?.close();
  rmSync(images, { recursive: true, force: true });
});

const json = async (path: string, init?: RequestInit): Promise<{ status: number; body: Body }> => {
  const res = await fetch(`${serviceUrl}${path}`, init);
  return { status: res.status, body: await res.json() };
};
const current = async (name: string, tag: string): Promise<string | null> => {
  const res = await json(`/v2/${name}/_tags/${tag}`);
  return res.status === 200 ? res.body.target.digest : null;
};

describe('a push straight to the registry that a policy forbids', () => {
  it('is recorded as it happened, with a PolicyViolated event in the audit and the feed', async () => {
    const policy = { repositories: 'demo/*', tags: 'v*', rule: 'immutable' };
    const put = await json('/v2/_policies/demo-releases', { method: 'PUT', headers: { 'content-type': 'application/json' }, body: JSON.stringify(policy) });
    expect(put.status).toBe(201);
    const [a, b] = [buildImage(images), buildImage(images)];
    await skopeoCopy(a.layout, registry, 'demo/app:v1', 'alice');
    await eventually('v1 -> A', async () => (await current('demo/app', 'v1')) === a.digest);
    // Creating an immutable tag breaks nothing.
    expect((await json('/v2/_audit?type=PolicyViolated')).body.events).toEqual([]);

    await skopeoCopy(b.layout, registry, 'demo/app:v1', 'bob');
    await eventually('v1 -> B', async () => (await current('demo/app', 'v1')) === b.digest);
    const [moved] = (await json('/v2/demo/app/_tags/v1/history')).body.events;
    expect(moved).toMatchObject({ type: 'TagMoved', version: 2, actor: 'bob' });

    await eventually('the violation', async () => (await json('/v2/_audit?type=PolicyViolated')).body.events.length === 1);
    const [violation] = (await json('/v2/_audit?type=PolicyViolated')).body.events;
    expect(violation).toMatchObject({ stream: '_policies/demo-releases/violations', version: 1, actor: 'bob' });
    expect(violation.data).toEqual({
      repository: 'demo/app',
      tag: 'v1',
      policy: { id: 'demo-releases', version: 1, rule: 'immutable' },
      code: 'TAG_IMMUTABLE',
      change: {
        change: 'move',
        type: 'TagMoved',
        stream: 'demo/app:v1',
        version: 2,
        position: moved.position,
        from: { mediaType: a.mediaType, size: a.size, digest: a.digest },
        target: { mediaType: b.mediaType, size: b.size, digest: b.digest },
      },
    });
    const feed = (await json('/v2/_events?type=PolicyViolated&repository=demo/app')).body.events;
    expect(feed).toEqual([expect.objectContaining({ position: violation.position, type: 'PolicyViolated', actor: 'bob', jws: violation.jws })]);

    // Through the API the rule still holds.
    const refused = await putTag(serviceUrl, 'demo/app', 'v1', 'api-move');
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as Body).errors[0]).toMatchObject({ code: 'TAG_IMMUTABLE', detail: { policy: 'demo-releases' } });
  });
});
