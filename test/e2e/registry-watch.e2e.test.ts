import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from '../../apps/api/src/create-app';
import { reconcileCommand } from '../../apps/cli/src/reconcile.command';
import { assertContractKept, checkAnswers } from '../support/contract';
import type { RegistryConfig } from '@tag-history/config';
import {
  type DistributionRegistry,
  eventually,
  freePort,
  registryDigest,
  skopeoCopy,
  skopeoDelete,
  startDistributionRegistry,
  watchConfig,
} from '../support/distribution-registry';
import { buildImage, type OciImage } from '../support/oci-layout';
import { startRedeliveringProxy } from '../support/redelivering-proxy';
import { createTestInfrastructure, type TestInfrastructure } from '../support/test-infrastructure';

jest.setTimeout(180_000);

// Response bodies are checked by the assertions themselves.
type Body = any;
const TOKEN = 'notify-secret-0123456789';
let infrastructure: TestInfrastructure;
let app: NestFastifyApplication | undefined;
let violations: () => string[] = () => [];
let serviceUrl = '';
let registry: DistributionRegistry;
let proxy: Awaited<ReturnType<typeof startRedeliveringProxy>>;
let images: string;
let config: RegistryConfig;

async function startService(overrides: Partial<RegistryConfig> = {}): Promise<void> {
  app = await createApp(infrastructure, { logger: false, registry: { ...config, ...overrides } });
  violations = checkAnswers(app.getHttpAdapter().getInstance());
  await app.listen(0, '127.0.0.1');
  serviceUrl = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
}

async function stopService(): Promise<void> {
  if (!app) return;
  await app.close();
  app = undefined;
  assertContractKept(violations());
}

beforeAll(async () => {
  images = mkdtempSync(join(tmpdir(), 'tag-history-images-'));
  infrastructure = await createTestInfrastructure();
  // The registry notifies through a proxy that makes it deliver every event twice (a 500, then the retry).
  proxy = await startRedeliveringProxy(() => serviceUrl);
  const port = await freePort();
  config = watchConfig(port, TOKEN);
  await startService();
  registry = await startDistributionRegistry({ port, notify: { url: `${proxy.url}/v2/_notifications/distribution`, token: TOKEN } });
});

afterAll(async () => {
  await stopService();
  await registry?.stop();
  await proxy?.close();
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
const history = async (name: string, tag: string): Promise<Body[]> => (await json(`/v2/${name}/_tags/${tag}/history`)).body.events ?? [];
const pendingChecks = async (): Promise<number> => {
  const row = await infrastructure.db
    .selectFrom('registry_checks')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('done_at', 'is', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
};

const doneChecks = async (repository: string): Promise<number> => {
  const row = await infrastructure.db
    .selectFrom('registry_checks')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .where('repository', '=', repository)
    .where('done_at', 'is not', null)
    .executeTakeFirstOrThrow();
  return Number(row.n);
};

const settled = () => eventually('the queued checks to finish', async () => (await pendingChecks()) === 0);
const image = (): OciImage => buildImage(images);

describe('a real Distribution registry pushed to with skopeo', () => {
  it('records a create, a move by another user, a second tag, ignores a no-op re-push, and a delete by digest removing two tags: each once', async () => {
    const a = image();
    const b = image();
    await skopeoCopy(a.layout, registry, 'demo/app:latest', 'alice');
    await eventually('latest -> A', async () => (await current('demo/app', 'latest')) === a.digest);
    await skopeoCopy(b.layout, registry, 'demo/app:latest', 'bob');
    await eventually('latest -> B', async () => (await current('demo/app', 'latest')) === b.digest);
    await skopeoCopy(b.layout, registry, 'demo/app:v1', 'bob');
    await eventually('v1 -> B', async () => (await current('demo/app', 'v1')) === b.digest);
    await skopeoCopy(b.layout, registry, 'demo/app:latest', 'alice');
    await settled();
    await skopeoDelete(registry, `demo/app@${b.digest}`, 'alice');
    await eventually('latest and v1 deleted', async () => (await current('demo/app', 'latest')) === null && (await current('demo/app', 'v1')) === null);
    // Every event reaches the service twice (the proxy fails the first delivery, the registry retries); the duplicates change nothing.
    const checks = await infrastructure.db.selectFrom('registry_checks').select(['notification_id']).execute();
    await eventually('every event delivered twice', async () => proxy.forwarded >= 2 * checks.length);
    await settled();

    const provenance = { source: 'notification', registry: config.host, notificationId: expect.any(String), requestId: expect.any(String) };
    expect((await history('demo/app', 'latest')).reverse()).toEqual([
      expect.objectContaining({
        type: 'TagCreated',
        target: expect.objectContaining({ digest: a.digest, mediaType: a.mediaType, size: a.size }),
        actor: 'alice',
        provenance,
      }),
      expect.objectContaining({
        type: 'TagMoved',
        previous: expect.objectContaining({ digest: a.digest }),
        target: expect.objectContaining({ digest: b.digest }),
        actor: 'bob',
        provenance,
      }),
      expect.objectContaining({ type: 'TagDeleted', previous: expect.objectContaining({ digest: b.digest }), actor: 'alice', provenance }),
    ]);
    expect((await history('demo/app', 'v1')).reverse()).toEqual([
      expect.objectContaining({ type: 'TagCreated', target: expect.objectContaining({ digest: b.digest }), actor: 'bob', provenance }),
      expect.objectContaining({ type: 'TagDeleted', actor: 'alice', provenance }),
    ]);
    // The provenance is signed: the JWS payload carries it.
    const [created] = (await history('demo/app', 'latest')).reverse();
    const payload = JSON.parse(Buffer.from(created.jws.split('.')[1], 'base64url').toString());
    expect(payload.data.provenance).toEqual(created.provenance);
    // The audit and the feed show it too.
    const audit = await json('/v2/_audit/events?repository=demo/app');
    if (audit.status === 200) expect(audit.body.events.every((e: Body) => e.data.provenance?.source === 'notification')).toBe(true);
  });

  it('deletes by tag with skopeo (which deletes the manifest the tag names)', async () => {
    const c = image();
    await skopeoCopy(c.layout, registry, 'demo/del:one', 'alice');
    await skopeoCopy(c.layout, registry, 'demo/del:two', 'alice');
    await eventually('both tags', async () => (await current('demo/del', 'one')) === c.digest && (await current('demo/del', 'two')) === c.digest);
    await skopeoDelete(registry, 'demo/del:one', 'bob');
    await eventually('both deleted', async () => (await current('demo/del', 'one')) === null && (await current('demo/del', 'two')) === null);
    expect((await history('demo/del', 'two'))[0]).toMatchObject({ type: 'TagDeleted', actor: 'bob' });
  });

  it("ends at the registry's own answer after two clients push one tag at once, 20 rounds", async () => {
    for (let round = 0; round < 20; round++) {
      const [x, y] = [image(), image()];
      await Promise.all([skopeoCopy(x.layout, registry, 'demo/race:latest', 'alice'), skopeoCopy(y.layout, registry, 'demo/race:latest', 'bob')]);
      const truth = await registryDigest(registry, 'demo/race', 'latest');
      expect([x.digest, y.digest]).toContain(truth);
      // Both pushes' notifications (one manifest push each) are in and checked.
      await eventually('both notifications checked', async () => (await doneChecks('demo/race')) === 2 * (round + 1));
      await settled();
      expect(await current('demo/race', 'latest')).toBe(truth);
      const [last] = await history('demo/race', 'latest');
      // Credited to whoever pushed what the registry kept.
      expect(last.actor).toBe(truth === x.digest ? 'alice' : 'bob');
    }
  });

  it('lists tags to skopeo list-tags', async () => {
    const d = image();
    await skopeoCopy(d.layout, registry, 'demo/list:a', 'alice');
    await skopeoCopy(d.layout, registry, 'demo/list:b', 'alice');
    await eventually('both tags', async () => (await current('demo/list', 'b')) === d.digest && (await current('demo/list', 'a')) === d.digest);
    const { stdout } = await promisify(execFile)('skopeo', ['list-tags', '--tls-verify=false', `docker://${serviceUrl.replace('http://', '')}/demo/list`]);
    expect(JSON.parse(stdout)).toEqual({ Repository: `${serviceUrl.replace('http://', '')}/demo/list`, Tags: ['a', 'b'] });
  });

  it('catches by reconciling what a registry restart lost while this service was down, on the new source.instanceID', async () => {
    const [e, f] = [image(), image()];
    await skopeoCopy(e.layout, registry, 'demo/lost:latest', 'alice');
    await skopeoCopy(e.layout, registry, 'demo/lost:gone', 'alice');
    await eventually('latest and gone', async () => (await current('demo/lost', 'latest')) === e.digest && (await current('demo/lost', 'gone')) === e.digest);
    await settled();

    await stopService();
    // The registry queues these in memory and cannot deliver them; its restart drops the queue.
    await skopeoCopy(f.layout, registry, 'demo/lost:latest', 'bob');
    await skopeoCopy(f.layout, registry, 'demo/lost:new', 'bob');
    await skopeoDelete(registry, `demo/lost@${e.digest}`, 'bob');
    await registry.restart();
    await startService();
    // Periodic reconciling is off here: the restarted registry's first notification is what triggers it.
    expect(await current('demo/lost', 'latest')).toBe(e.digest);
    await skopeoCopy(image().layout, registry, 'demo/other:latest', 'alice');
    await eventually(
      'the missed changes',
      async () =>
        (await current('demo/lost', 'latest')) === f.digest &&
        (await current('demo/lost', 'new')) === f.digest &&
        (await current('demo/lost', 'gone')) === null,
    );

    const reconciled = { source: 'reconcile', registry: config.host };
    expect((await history('demo/lost', 'latest'))[0]).toMatchObject({ type: 'TagMoved', actor: `registry:${config.host}`, provenance: reconciled });
    expect((await history('demo/lost', 'new'))[0]).toMatchObject({ type: 'TagCreated', provenance: reconciled });
    expect((await history('demo/lost', 'gone'))[0]).toMatchObject({ type: 'TagDeleted', provenance: reconciled });
  });

  it('reconciles at start what was pushed while it was stopped', async () => {
    const g = image();
    await stopService();
    await skopeoCopy(g.layout, registry, 'demo/offline:latest', 'alice');
    await registry.restart();
    await startService({ reconcileIntervalMs: 3_600_000 });
    await eventually('the offline push', async () => (await current('demo/offline', 'latest')) === g.digest);
    expect((await history('demo/offline', 'latest'))[0]).toMatchObject({ type: 'TagCreated', provenance: { source: 'reconcile' } });
    await stopService();
    await startService();
  });

  it("POST /v2/_reconcile (and the CLI's reconcile) runs one now and answers its counts", async () => {
    await settled();
    const one = await json('/v2/_reconcile?repository=demo/race', { method: 'POST' });
    expect(one).toEqual({ status: 200, body: { repositories: 1, tags: 1, created: 0, moved: 0, deleted: 0, errors: 0 } });
    const all = await json('/v2/_reconcile', { method: 'POST' });
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ created: 0, moved: 0, deleted: 0, errors: 0 });
    expect(all.body.repositories).toBeGreaterThanOrEqual(6);
    const printed = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    await reconcileCommand({ url: serviceUrl, repository: 'demo/race' });
    expect(JSON.parse(printed.mock.calls[0]![0] as string)).toEqual(one.body);
    printed.mockRestore();
    const bad = await json('/v2/_reconcile?repository=Not_Valid', { method: 'POST' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].code).toBe('NAME_INVALID');
  });

  it('refuses notifications without the token, and bad envelopes with 400', async () => {
    const send = (body: string, headers: Record<string, string>) =>
      json('/v2/_notifications/distribution', {
        method: 'POST',
        headers: { 'content-type': 'application/vnd.docker.distribution.events.v1+json', ...headers },
        body,
      });
    const envelope = JSON.stringify({
      events: [
        {
          id: 'x',
          action: 'push',
          target: { repository: 'demo/app', tag: 'latest', digest: `sha256:${'a'.repeat(64)}`, mediaType: 'application/vnd.oci.image.manifest.v1+json' },
        },
      ],
    });
    expect((await send(envelope, {})).status).toBe(401);
    expect((await send(envelope, { authorization: 'Bearer wrong' })).body.errors[0].code).toBe('UNAUTHORIZED');
    const bad = await send('{"events": "no"}', { authorization: `Bearer ${TOKEN}` });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].code).toBe('BODY_INVALID');
    const badTag = await send(envelope.replace('"latest"', '"-no"'), { authorization: `Bearer ${TOKEN}` });
    expect(badTag.body.errors[0].code).toBe('TAG_INVALID');
  });
});
