import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { password, type DistributionRegistry, freePort, startDistributionRegistry } from '../support/distribution-registry';
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

beforeAll(async () => {
  port = await freePort();
  // The registry is down at first: nothing listens on its port yet.
  t = await startTestApp({
    registry: {
      url: `http://127.0.0.1:${port}`,
      host: `127.0.0.1:${port}`,
      username: 'tagh',
      password: password('tagh'),
      notificationsToken: TOKEN,
      reconcileIntervalMs: 0,
      checkDelayMs: 50,
      checkAttempts: 3,
    },
  });
});
afterAll(async () => {
  await t?.close();
  await registry?.stop();
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
