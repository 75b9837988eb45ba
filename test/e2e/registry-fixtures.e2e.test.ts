import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type DistributionRegistry,
  eventually,
  freePort,
  skopeoCopy,
  skopeoDelete,
  startDistributionRegistry,
  watchConfig,
} from '../support/distribution-registry';
import { buildImage } from '../support/oci-layout';
import { startTestApp, type TestApp } from '../support/test-app';

jest.setTimeout(120_000);

// Response bodies are checked by the assertions themselves.
type Body = any;
const DIR = join(__dirname, '../fixtures/distribution-2.8.2-notifications');
const envelopes = readdirSync(DIR)
  .filter((f) => /^\d\d-.*\.json$/.test(f))
  .sort()
  .map((f) => readFileSync(join(DIR, f), 'utf8'));
const TOKEN = 'fixture-token';
let t: TestApp;
let port: number;
let registry: DistributionRegistry | undefined;
const images = mkdtempSync(join(tmpdir(), 'tag-history-images-'));

beforeAll(async () => {
  port = await freePort();
  // The registry is down at first: nothing listens on its port yet.
  t = await startTestApp({
    registry: watchConfig(port, TOKEN, { checkDelayMs: 50, checkAttempts: 3 }),
  });
});
afterAll(async () => {
  await t?.close();
  await registry?.stop();
  rmSync(images, { recursive: true, force: true });
});

const send = async (body: string): Promise<{ status: number; body: Body }> => {
  const res = await fetch(`${t.url}/v2/_notifications/distribution`, {
    method: 'POST',
    headers: { 'content-type': 'application/vnd.docker.distribution.events.v1+json', authorization: `Bearer ${TOKEN}` },
    body,
  });
  return { status: res.status, body: await res.json() };
};
const checks = () => t.infrastructure.db.selectFrom('registry_checks').selectAll().orderBy('id').execute();

describe('the envelopes a real Distribution 2.8.2 sent, replayed', () => {
  it('queues one check per tag change, ignores redeliveries in any order, and reconciles on a new registry instance', async () => {
    const first = await Promise.all(envelopes.map(send));
    expect(first.every((r) => r.status === 202)).toBe(true);
    const sum = (rs: typeof first, key: string) => rs.reduce((n, r) => n + r.body[key], 0);
    expect(sum(first, 'queued')).toBe(15);
    expect(sum(first, 'ignored')).toBe(21);

    // Again, newest first: every one a duplicate.
    const again = await Promise.all([...envelopes].reverse().map(send));
    expect(sum(again, 'queued')).toBe(0);
    expect(sum(again, 'duplicates')).toBe(15);

    const queued = await checks();
    // The auth run came from another registry process (instanceID 995dc586 after 0b5e7619): a reconcile is queued.
    expect(queued.filter((c) => c.kind === 'reconcile').map((c) => c.notification_id)).toEqual(
      expect.arrayContaining([expect.stringMatching(/^instance:(995dc586|0b5e7619)/)]),
    );
    expect(queued.filter((c) => c.kind !== 'reconcile')).toHaveLength(15);
  });

  it('delays checks while the registry is down and never drops them; finishes them once it is up', async () => {
    await new Promise((r) => setTimeout(r, 500));
    // Deletes by digest of digests this service never saw tagged need no registry; every other check waits for it.
    const waiting = (await checks()).filter((c) => c.kind !== 'delete-digest' && c.kind !== 'reconcile');
    expect(waiting).toHaveLength(11);
    expect(waiting.every((c) => c.done_at === null && c.failures > 0)).toBe(true);

    registry = await startDistributionRegistry({ port });
    const deadline = Date.now() + 90_000;
    while ((await checks()).some((c) => c.done_at === null)) {
      if (Date.now() > deadline) throw new Error(`checks still pending: ${JSON.stringify(await checks())}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    // The registry has none of those tags: nothing it did not confirm is recorded.
    const events = await t.infrastructure.db.selectFrom('events').select('type').execute();
    expect(events).toEqual([]);
  });
});

describe('Harbor and Zot payloads, checked against the real registry', () => {
  const post = async (kind: string, body: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${t.url}/v2/_notifications/${kind}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}`, ...headers },
      body: JSON.stringify(body),
    });
    return { status: res.status, body: (await res.json()) as Body };
  };
  const current = async (name: string, tag: string) => {
    const res = await fetch(`${t.url}/v2/${name}/_tags/${tag}`);
    return res.status === 200 ? ((await res.json()) as Body).target.digest : null;
  };
  const latestEvent = async (name: string, tag: string) => ((await (await fetch(`${t.url}/v2/${name}/_tags/${tag}/history`)).json()) as Body).events[0];
  const harbor = (type: string, repository: string, digest: string, tag: string, operator: string) => ({
    type,
    occur_at: Math.floor(Date.now() / 1000),
    operator,
    event_data: {
      resources: [{ digest, tag, resource_url: `${registry!.host}/${repository}:${tag}` }],
      repository: { date_created: 1, name: repository.split('/')[1], namespace: repository.split('/')[0], repo_full_name: repository, repo_type: 'private' },
    },
  });

  it('records a Harbor push and delete (Default format) with the operator, once per payload', async () => {
    const image = buildImage(images);
    await skopeoCopy(image.layout, registry!, 'hb/app:latest', 'alice');
    const push = harbor('PUSH_ARTIFACT', 'hb/app', image.digest, 'latest', 'carol');
    expect((await post('harbor', push)).body).toEqual({ queued: 1, duplicates: 0, ignored: 0 });
    expect((await post('harbor', push)).body).toEqual({ queued: 0, duplicates: 1, ignored: 0 });
    await eventually('the recorded tag', async () => (await current('hb/app', 'latest')) === image.digest);
    expect(await latestEvent('hb/app', 'latest')).toMatchObject({
      type: 'TagCreated',
      actor: 'carol',
      provenance: { source: 'notification', notificationId: expect.stringMatching(/^sha256:/) },
    });
    // A push by digest names the digest as its tag: it changes no tag.
    expect((await post('harbor', harbor('PUSH_ARTIFACT', 'hb/app', image.digest, image.digest, 'carol'))).body).toMatchObject({ queued: 0, ignored: 1 });

    await skopeoDelete(registry!, `hb/app@${image.digest}`, 'alice');
    const cloudEvent = {
      specversion: '1.0',
      id: 'harbor-ce-1',
      requestid: 'req-1',
      source: '/projects/2/webhook/policies/15',
      type: 'harbor.artifact.deleted',
      operator: 'carol',
      data: push.event_data,
    };
    expect((await post('harbor', cloudEvent, { 'content-type': 'application/cloudevents+json' })).status).toBe(202);
    await eventually('the recorded tag', async () => (await current('hb/app', 'latest')) === null);
    expect(await latestEvent('hb/app', 'latest')).toMatchObject({
      type: 'TagDeleted',
      actor: 'carol',
      provenance: { notificationId: 'harbor-ce-1', requestId: 'req-1' },
    });
  });

  it('records Zot CloudEvents in binary mode (ce-* headers) with the actor', async () => {
    const image = buildImage(images);
    await skopeoCopy(image.layout, registry!, 'zot/app:v1', 'bob');
    const data = {
      name: 'zot/app',
      reference: 'v1',
      digest: image.digest,
      mediaType: image.mediaType,
      actor: { name: 'dave' },
      request: { addr: '192.0.2.1:1', method: 'PUT' },
    };
    const ce = (id: string, type: string) => ({ 'ce-id': id, 'ce-type': type, 'ce-source': 'zotregistry.dev', 'ce-specversion': '1.0' });
    expect((await post('cloudevents', data, ce('zot-1', 'zotregistry.image.updated'))).body).toEqual({ queued: 1, duplicates: 0, ignored: 0 });
    await eventually('the recorded tag', async () => (await current('zot/app', 'v1')) === image.digest);
    expect(await latestEvent('zot/app', 'v1')).toMatchObject({ type: 'TagCreated', actor: 'dave', provenance: { notificationId: 'zot-1' } });
    expect((await post('cloudevents', data, ce('zot-2', 'zotregistry.image.lint_failed'))).body).toMatchObject({ ignored: 1 });

    await skopeoDelete(registry!, `zot/app@${image.digest}`, 'bob');
    await post('cloudevents', { ...data, reference: image.digest }, ce('zot-3', 'zotregistry.image.deleted'));
    await eventually('the recorded tag', async () => (await current('zot/app', 'v1')) === null);
    expect(await latestEvent('zot/app', 'v1')).toMatchObject({ type: 'TagDeleted', actor: 'dave' });
    const bad = await post('cloudevents', data, { 'ce-type': 'zotregistry.image.updated' });
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].code).toBe('BODY_INVALID');
  });
});
