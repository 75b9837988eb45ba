import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from '../../apps/api/src/create-app';
import { type Infrastructure, openInfrastructure } from '../../apps/api/src/infrastructure/open-infrastructure';
import { putTag } from '../support/fixtures';
import { readFeedPage } from '../support/follow-feed';
import { createTestInfrastructure, onPostgres, type TestInfrastructure } from '../support/test-infrastructure';

/*
 * Three API instances, each with its own pool, group commit and LISTEN
 * connection, on one Postgres database. (PGlite is one process's embedded
 * database: several instances on it do not exist, so this runs on Postgres.)
 */
const describeOnPostgres = onPostgres ? describe : describe.skip;

interface Instance {
  url: string;
  app: NestFastifyApplication;
  infrastructure: Infrastructure;
}

let shared: TestInfrastructure;
let instances: Instance[];

beforeAll(async () => {
  if (!onPostgres) return;
  shared = await createTestInfrastructure();
  const infrastructures = [shared, await openInfrastructure(shared.database.config), await openInfrastructure(shared.database.config)];
  instances = await Promise.all(
    infrastructures.map(async (infrastructure) => {
      const app = await createApp(infrastructure, { logger: false });
      await app.listen(0, '127.0.0.1');
      return { url: `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`, app, infrastructure };
    }),
  );
});

afterAll(async () => {
  if (!onPostgres) return;
  for (const i of instances) await i.app.close();
  for (const i of instances.slice(1)) await i.infrastructure.db.destroy();
  await shared.close();
});

interface Ack {
  stream: string;
  version: number;
  position: number;
}

describeOnPostgres('three instances on one database', () => {
  it('loses no acknowledged move, leaves no version gap, reads its writes everywhere and answers the same everywhere', async () => {
    const tags = Array.from({ length: 6 }, (_, i) => `t${i}`);
    const acks: Ack[] = [];
    const refused: number[] = [];

    const writers = instances.flatMap((instance, n) =>
      Array.from({ length: 4 }, async (_, w) => {
        for (let i = 0; i < 15; i++) {
          const tag = tags[(n * 7 + w * 3 + i) % tags.length]!;
          // Every third move is conditional on the version another instance just showed.
          let headers: Record<string, string> = {};
          if (i % 3 === 0) {
            const seen = await fetch(`${instances[(n + 1) % 3]!.url}/v2/multi/app/_tags/${tag}`);
            if (seen.status === 200) headers = { 'if-match': seen.headers.get('etag')! };
          }
          const res = await putTag(instance.url, 'multi/app', tag, `${n}-${w}-${i}`, headers);
          if (res.status === 412) {
            refused.push(412);
            continue;
          }
          expect([200, 201]).toContain(res.status);
          const body = (await res.json()) as { version: number; events: { version: number; position: number }[] };
          for (const e of body.events) acks.push({ stream: `multi/app:${tag}`, version: e.version, position: e.position });
          // Read-your-writes on another instance, asked for with no-cache (without it: within the change feed's delay, tag-cache.e2e.test.ts).
          const other = await fetch(`${instances[(n + 2) % 3]!.url}/v2/multi/app/_tags/${tag}`, { headers: { 'cache-control': 'no-cache' } });
          expect(Number(JSON.parse(other.headers.get('etag')!))).toBeGreaterThanOrEqual(body.version);
        }
      }),
    );
    await Promise.all(writers);

    const log = await shared.db.selectFrom('events').select(['stream_id', 'version', 'position']).orderBy('position').execute();
    const key = (e: { stream: string; version: number; position: number }) => `${e.position} ${e.stream} ${e.version}`;
    const logged = log.map((e) => key({ stream: e.stream_id, version: e.version, position: e.position }));
    // Every acknowledged move is in the log, and the log holds nothing that was not acknowledged.
    expect(acks.map(key).sort()).toEqual([...logged].sort());
    expect(acks.length + refused.length).toBe(3 * 4 * 15);
    expect(log.map((e) => e.position)).toEqual(log.map((_, i) => i + 1));
    for (const tag of tags) {
      const versions = log.filter((e) => e.stream_id === `multi/app:${tag}`).map((e) => e.version);
      expect(versions).toEqual(versions.map((_, i) => i + 1));
    }

    const answers = await Promise.all(
      instances.map(async (instance) => ({
        tags: await Promise.all(
          tags.map(async (tag) => (await fetch(`${instance.url}/v2/multi/app/_tags/${tag}`, { headers: { 'cache-control': 'no-cache' } })).text()),
        ),
        list: await (await fetch(`${instance.url}/v2/multi/app/tags/list`)).text(),
        feed: await readFeedPage(instance.url, 'limit=1000'),
      })),
    );
    expect(answers[1]).toEqual(answers[0]);
    expect(answers[2]).toEqual(answers[0]);
    expect(answers[0]!.feed.events.map((e) => e.position)).toEqual(log.map((e) => e.position));
  });

  it('runs one Idempotency-Key once across instances', async () => {
    const results = await Promise.all(
      instances.flatMap((instance) => [1, 2].map(() => putTag(instance.url, 'multi/idem', 'v1', 'once', { 'idempotency-key': 'multi-1' }))),
    );
    const bodies = await Promise.all(results.map((r) => r.text()));
    expect(new Set(results.map((r) => r.status))).toEqual(new Set([201]));
    expect(new Set(bodies).size).toBe(1);
    const events = await shared.db.selectFrom('events').select('position').where('stream_id', '=', 'multi/idem:v1').execute();
    expect(events).toHaveLength(1);
  });

  it('wakes a long poll on one instance for a commit on another', async () => {
    const { cursor } = await readFeedPage(instances[0]!.url, 'limit=1000');
    const waiting = readFeedPage(instances[0]!.url, `after=${cursor}&wait=30`);
    await putTag(instances[2]!.url, 'multi/wake', 'v1', 'w');
    expect((await waiting).events.map((e) => e.stream)).toEqual(['multi/wake:v1']);
  });
});
