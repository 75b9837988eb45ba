import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { TagCommand } from '@tag-history/domain';
import type { EventStore } from '@tag-history/event-store';
import { CurrentTags } from '@tag-history/queries';
import pg from 'pg';
import { createApp } from '../../apps/api/src/create-app';
import { type Infrastructure, createEventStore, openInfrastructure } from '../../apps/api/src/infrastructure/open-infrastructure';
import { executeTagCommand } from '../../apps/api/src/tags/execute-tag-command';
import { putTag, target } from '../support/fixtures';
import { createTestInfrastructure, onPostgres, type TestInfrastructure } from '../support/test-infrastructure';

/*
 * Current tags are answered from each instance's memory (README, "Current
 * tags from memory"). "Another instance" is, on both backends, a second event
 * store on the same database: its commits reach the app's cache only the way
 * another process's would (the change feed; on PGlite, polling the log). On
 * Postgres, whole second instances too.
 */

/** Far above the documented delay (milliseconds): the test asserts that a change becomes visible, not how fast. */
const VISIBLE_WITHIN_MS = 30_000;

interface Instance {
  url: string;
  app: NestFastifyApplication;
}

async function listen(infrastructure: Infrastructure): Promise<Instance> {
  const app = await createApp(infrastructure, { logger: false });
  await app.listen(0, '127.0.0.1');
  return { url: `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`, app };
}

const tagUrl = (base: string, tag: string) => `${base}/v2/cache/app/_tags/${tag}`;
const versionOf = (res: Response) => Number(JSON.parse(res.headers.get('etag') ?? '"0"'));

/** Polls until `check` holds; fails with the last answer if it never does within the bound. */
async function eventually(read: () => Promise<Response>, check: (res: Response) => boolean): Promise<Response> {
  const deadline = Date.now() + VISIBLE_WITHIN_MS;
  for (;;) {
    const res = await read();
    if (check(res)) return res;
    if (Date.now() > deadline) throw new Error(`not visible within ${VISIBLE_WITHIN_MS} ms: ${res.status} ${res.headers.get('etag')}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

let infra: TestInfrastructure;
let instance: Instance;
/** Writes that reach `instance` only as another instance's would. */
let other: EventStore;
const put = (tag: string, seed: string): TagCommand => ({ type: 'PutTag', data: { repository: 'cache/app', tag, target: target(seed) } });
const del = (tag: string): TagCommand => ({ type: 'DeleteTag', data: { repository: 'cache/app', tag } });
const elsewhere = (command: TagCommand) => executeTagCommand(other, command, { actor: 'other' }, () => new Date());

beforeAll(async () => {
  infra = await createTestInfrastructure();
  instance = await listen(infra);
  other = createEventStore(infra, infra.key);
});

afterAll(async () => {
  await instance.app.close();
  await infra.close();
});

describe('current tags from memory, one instance', () => {
  it('reads its own writes at once: every move and the delete', async () => {
    for (let i = 0; i < 20; i++) {
      const written = await putTag(instance.url, 'cache/app', 'ryw', `ryw-${i}`);
      expect([200, 201]).toContain(written.status);
      const read = await fetch(tagUrl(instance.url, 'ryw'));
      expect(read.headers.get('etag')).toBe(written.headers.get('etag'));
      expect(((await read.json()) as { target: unknown }).target).toEqual(target(`ryw-${i}`));
    }
    expect((await fetch(tagUrl(instance.url, 'ryw'), { method: 'DELETE' })).status).toBeLessThan(300);
    expect((await fetch(tagUrl(instance.url, 'ryw'))).status).toBe(404);
    expect((await putTag(instance.url, 'cache/app', 'ryw', 'again')).status).toBe(201);
    expect(versionOf(await fetch(tagUrl(instance.url, 'ryw')))).toBe(22);
  });

  it('has each commit of its own in memory before the commit is acknowledged (the EventBus calls the cache within publish)', async () => {
    const tags = instance.app.get(CurrentTags, { strict: false });
    const inMemory: boolean[] = [];
    // The store's listeners run in the order they subscribed: this one after the app's bridge to its EventBus.
    const stop = infra.eventStore.onCommitted((events) => inMemory.push(tags.written >= events.at(-1)!.position));
    try {
      for (let i = 0; i < 5; i++) expect((await putTag(instance.url, 'cache/app', 'sync', `sync-${i}`)).status).toBeLessThan(300);
    } finally {
      stop();
    }
    expect(inMemory).toEqual([true, true, true, true, true]);
  });

  it('answers from memory, and from the database with Cache-Control: no-cache', async () => {
    await putTag(instance.url, 'cache/app', 'mem', 'kept');
    expect(versionOf(await fetch(tagUrl(instance.url, 'mem')))).toBe(1);
    // Behind the log's back (no event, no notification): only a database read can see it.
    await infra.db.updateTable('tags').set({ updated_by: 'sql' }).where('repository', '=', 'cache/app').where('tag', '=', 'mem').execute();
    const cached = (await (await fetch(tagUrl(instance.url, 'mem'))).json()) as { updatedBy: string };
    const fresh = (await (await fetch(tagUrl(instance.url, 'mem'), { headers: { 'cache-control': 'no-cache' } })).json()) as { updatedBy: string };
    expect([cached.updatedBy, fresh.updatedBy]).toEqual(['anonymous', 'sql']);
  });

  it('answers a tag from memory exactly as from the database', async () => {
    await putTag(instance.url, 'cache/app', 'same', 's');
    for (const accept of [undefined, 'application/json', 'application/vnd.docker.distribution.tag.v1+json', 'application/vnd.docker.distribution.tag.v1+jws']) {
      const answer = async (headers: Record<string, string>) => {
        const res = await fetch(tagUrl(instance.url, 'same'), { headers: { ...(accept ? { accept } : {}), ...headers } });
        const h = (name: string) => res.headers.get(name);
        return {
          status: res.status,
          type: h('content-type'),
          etag: h('etag'),
          vary: h('vary'),
          length: h('content-length'),
          body: accept?.endsWith('jws') ? '' : await res.text(),
        };
      };
      expect(await answer({})).toEqual(await answer({ 'cache-control': 'no-cache' }));
    }
  });

  it('answers another writer with Cache-Control: no-cache at once, and without it once the change has arrived', async () => {
    await putTag(instance.url, 'cache/app', 'nc', 'first');
    expect(versionOf(await fetch(tagUrl(instance.url, 'nc')))).toBe(1); // now held in memory
    await elsewhere(put('nc', 'second'));
    const fresh = await fetch(tagUrl(instance.url, 'nc'), { headers: { 'cache-control': 'no-cache' } });
    expect(versionOf(fresh)).toBe(2);
    expect(((await fresh.json()) as { target: unknown }).target).toEqual(target('second'));
    await eventually(
      () => fetch(tagUrl(instance.url, 'nc')),
      (res) => versionOf(res) === 2,
    );
  });

  it('answers another writer at once to a read that names its position (Tag-History-Min-Position), also for a tag it holds', async () => {
    await putTag(instance.url, 'cache/app', 'min', 'first');
    expect(versionOf(await fetch(tagUrl(instance.url, 'min')))).toBe(1); // now held in memory
    for (let i = 0; i < 5; i++) {
      const position = (await elsewhere(put('min', `next-${i}`))).events.at(-1)!.position;
      const res = await fetch(tagUrl(instance.url, 'min'), { headers: { 'tag-history-min-position': String(position) } });
      expect(versionOf(res)).toBe(i + 2);
    }
  });

  it('never serves a tag another writer deleted from memory for good', async () => {
    await putTag(instance.url, 'cache/app', 'gone', 'x');
    expect((await fetch(tagUrl(instance.url, 'gone'))).status).toBe(200);
    await elsewhere(del('gone'));
    expect((await fetch(tagUrl(instance.url, 'gone'), { headers: { 'cache-control': 'no-cache' } })).status).toBe(404);
    await eventually(
      () => fetch(tagUrl(instance.url, 'gone')),
      (res) => res.status === 404,
    );
    // And a tag first read as missing is seen once another writer creates it.
    expect((await fetch(tagUrl(instance.url, 'later'))).status).toBe(404);
    await elsewhere(put('later', 'y'));
    await eventually(
      () => fetch(tagUrl(instance.url, 'later')),
      (res) => res.status === 200,
    );
  });

  it('answers 304 to an If-None-Match naming the current ETag, 200 to an older one', async () => {
    await putTag(instance.url, 'cache/app', 'cond', 'a');
    const moved = await putTag(instance.url, 'cache/app', 'cond', 'b');
    const current = moved.headers.get('etag')!;
    expect(current).toBe('"2"');
    for (const ifNoneMatch of [current, `W/${current}`, `"1", ${current}`, '*']) {
      const res = await fetch(tagUrl(instance.url, 'cond'), { headers: { 'if-none-match': ifNoneMatch } });
      expect([res.status, res.headers.get('etag'), await res.text()]).toEqual([304, current, '']);
    }
    const stale = await fetch(tagUrl(instance.url, 'cond'), { headers: { 'if-none-match': '"1"' } });
    expect([stale.status, stale.headers.get('etag')]).toEqual([200, current]);
    // A past version has its own ETag, and the same rule.
    const past = await fetch(`${tagUrl(instance.url, 'cond')}?position=${((await stale.json()) as { position: number }).position - 1}`, {
      headers: { 'if-none-match': '"1"' },
    });
    expect([past.status, past.headers.get('etag')]).toEqual([304, '"1"']);
    const signed = await fetch(tagUrl(instance.url, 'cond'), {
      headers: { 'if-none-match': current, accept: 'application/vnd.docker.distribution.tag.v1+jws' },
    });
    expect(signed.status).toBe(304);
  });

  it('answers HEAD on every GET endpoint like the GET, without a body', async () => {
    await putTag(instance.url, 'cache/app', 'head', 'h');
    const { position } = (await (await fetch(tagUrl(instance.url, 'head'))).json()) as { position: number };
    const paths = [
      '/v2/cache/app/_tags/head',
      '/v2/cache/app/_tags/head?at=2100-01-01T00:00:00Z',
      '/v2/cache/app/_tags/head/history',
      '/v2/cache/app/_tags/head/aliases',
      `/v2/cache/app/_digests/${target('h').digest}/tags`,
      '/v2/cache/app/_oci/tag-history/head',
      '/v2/cache/app/tags/list',
      '/v2/cache/app/_timeline',
      '/v2/cache/app/_pins',
      `/v2/_resolve?reference=cache/app:head`,
      '/v2/_events',
      `/v2/_events/${position}`,
      '/v2/_repositories',
      '/v2/_audit',
      '/v2/_log/checkpoint',
      '/v2/_log/key',
      '/v2/',
      '/.well-known/jwks.json',
      '/healthz',
      '/v2/cache/app/_tags/missing',
    ];
    for (const path of paths) {
      const get = await fetch(`${instance.url}${path}`);
      const head = await fetch(`${instance.url}${path}`, { method: 'HEAD' });
      expect([path, head.status, head.headers.get('content-type'), head.headers.get('etag'), await head.text()]).toEqual([
        path,
        get.status,
        get.headers.get('content-type'),
        get.headers.get('etag'),
        '',
      ]);
    }
  });

  it('answers correctly from its first request when cold', async () => {
    await putTag(instance.url, 'cache/app', 'cold', '1');
    await putTag(instance.url, 'cache/app', 'cold', '2');
    await elsewhere(put('cold', '3'));
    const cold = await listen(infra);
    try {
      const res = await fetch(tagUrl(cold.url, 'cold'));
      expect([res.status, res.headers.get('etag')]).toEqual([200, '"3"']);
      expect(((await res.json()) as { target: unknown }).target).toEqual(target('3'));
      expect((await fetch(tagUrl(cold.url, 'never'))).status).toBe(404);
    } finally {
      await cold.app.close();
    }
  });
});

const describeOnPostgres = onPostgres ? describe : describe.skip;

describeOnPostgres('current tags from memory, two instances (Postgres: PGlite is one process)', () => {
  let a: Instance;
  let bInfrastructure: Infrastructure;
  let b: Instance;

  beforeAll(async () => {
    a = instance;
    bInfrastructure = await openInfrastructure(infra.database.config);
    b = await listen(bInfrastructure);
  });

  afterAll(async () => {
    await b.app.close();
    await bInfrastructure.db.destroy();
  });

  it('shows a write on instance A on instance B, also for tags B holds in memory', async () => {
    for (let i = 0; i < 10; i++) {
      const written = await putTag(a.url, 'cache/app', 'ab', `ab-${i}`);
      const version = versionOf(written);
      await eventually(
        () => fetch(tagUrl(b.url, 'ab')),
        (res) => versionOf(res) === version,
      );
    }
    expect((await fetch(tagUrl(a.url, 'ab'), { method: 'DELETE' })).status).toBeLessThan(300);
    await eventually(
      () => fetch(tagUrl(b.url, 'ab')),
      (res) => res.status === 404,
    );
  });

  it('does not stay stale when the LISTEN connection drops', async () => {
    await putTag(a.url, 'cache/app', 'drop', 'before');
    await eventually(
      () => fetch(tagUrl(b.url, 'drop')),
      (res) => versionOf(res) === 1,
    );
    const admin = new pg.Client({ connectionString: (infra.database.config.storage as { url: string }).url });
    await admin.connect();
    try {
      // Every instance's LISTEN connection on this test's database; the writes right after it are not notified to anyone.
      const { rowCount } = await admin.query(
        `select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and query ilike 'listen %' and pid <> pg_backend_pid()`,
      );
      expect(rowCount).toBeGreaterThanOrEqual(2);
      await putTag(a.url, 'cache/app', 'drop', 'during');
      await eventually(
        () => fetch(tagUrl(b.url, 'drop')),
        (res) => versionOf(res) === 2,
      );
      // Once listening again, B follows A's writes as before.
      const listening = async () =>
        (await admin.query(`select count(*)::int as n from pg_stat_activity where datname = current_database() and query ilike 'listen %'`)).rows[0].n;
      for (const deadline = Date.now() + VISIBLE_WITHIN_MS; (await listening()) < 2 && Date.now() < deadline;) await new Promise((r) => setTimeout(r, 50));
      for (let i = 0; i < 5; i++) {
        const version = versionOf(await putTag(a.url, 'cache/app', 'drop', `after-${i}`));
        await eventually(
          () => fetch(tagUrl(b.url, 'drop')),
          (res) => versionOf(res) === version,
        );
      }
    } finally {
      await admin.end();
    }
  });
});
