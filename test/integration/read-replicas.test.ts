import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { StorageConfig } from '@tag-history/database';
import pg from 'pg';
import type { Config } from '@tag-history/config';
import { createApp } from '../../apps/api/src/create-app';
import { type Infrastructure, openInfrastructure } from '../../apps/api/src/infrastructure/open-infrastructure';
import { loadTransparencyConfig } from '@tag-history/config';
import { digest, putTag } from '../support/fixtures';
import { readEventStream } from '../support/follow-feed';
import { pgBouncerInstalled, type PrivatePgBouncer, startPgBouncer } from '../support/private-pgbouncer';
import { type PrivatePostgres, postgresBinaries, startPrivatePostgres } from '../support/private-postgres';
import { onPostgres } from '../support/test-infrastructure';

/*
 * A private primary, its streaming replica (pg_basebackup -R) and a PgBouncer
 * in transaction mode, all in temporary folders on free ports: the shared
 * server's configuration is never touched. Runs in the Postgres pass of the
 * suite, where the binaries are (.ci/run installs pgbouncer).
 */
const ready = onPostgres && postgresBinaries() !== undefined && pgBouncerInstalled();
const describeWithClusters = ready ? describe : describe.skip;

interface Service {
  url: string;
  app: NestFastifyApplication;
  infrastructure: Infrastructure;
}

let primary: PrivatePostgres;
let replica: PrivatePostgres;
let bouncer: PrivatePgBouncer;
let keyDir: string;
const services: Service[] = [];

async function startService(storage: StorageConfig): Promise<Service> {
  const config: Pick<Config, 'storage' | 'signingKey' | 'transparency'> = {
    storage,
    signingKey: { kind: 'file', path: join(keyDir, 'signing-key.jwk'), generateIfMissing: true },
    transparency: loadTransparencyConfig({}, keyDir),
  };
  const infrastructure = await openInfrastructure(config);
  const app = await createApp(infrastructure, { logger: false });
  await app.listen(0, '127.0.0.1');
  const service = { url: `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`, app, infrastructure };
  services.push(service);
  return service;
}

async function onReplica<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client(replica.url);
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

const positionOf = (res: Response) => Number(res.headers.get('tag-history-position'));
const get = (service: Service, path: string, minPosition?: number) =>
  fetch(`${service.url}${path}`, minPosition === undefined ? {} : { headers: { 'tag-history-min-position': String(minPosition) } });
const digestOf = async (res: Response) => ((await res.json()) as { target: { digest: string } }).target.digest;

beforeAll(async () => {
  if (!ready) return;
  primary = await startPrivatePostgres({ settings: ['max_connections=100'] });
  replica = await startPrivatePostgres({ replicaOf: primary, settings: ['max_connections=100'] });
  bouncer = await startPgBouncer(primary.port);
  keyDir = mkdtempSync(join(tmpdir(), 'tag-history-replicas-'));
}, 120_000);

afterAll(async () => {
  if (!ready) return;
  for (const s of services) {
    await s.app.close();
    await s.infrastructure.db.destroy();
  }
  await bouncer?.stop();
  replica?.destroy();
  primary?.destroy();
  rmSync(keyDir, { recursive: true, force: true });
});

describeWithClusters('read replicas, read-your-writes and PgBouncer', () => {
  let service: Service;
  beforeAll(async () => {
    service = await startService({ kind: 'postgres', url: primary.url, poolSize: 8, readUrls: [replica.url], readMaxWaitMs: 1_000 });
  });

  it('answers a read with Tag-History-Min-Position from a copy that has the write, while the replica lags', async () => {
    const first = await putTag(service.url, 'ryw/app', 'latest', 'a');
    expect(first.status).toBe(201);
    const p1 = positionOf(first);
    expect(((await first.json()) as { events: { position: number }[] }).events[0]!.position).toBe(p1);
    // The replica catches up; from then on a read at p1 is the replica's to answer.
    expect(await digestOf(await get(service, '/v2/ryw/app/_tags/latest', p1))).toBe(digest('a'));

    await onReplica((c) => c.query('select pg_wal_replay_pause()'));
    try {
      const moved = await putTag(service.url, 'ryw/app', 'latest', 'b');
      expect(moved.status).toBe(200);
      const p2 = positionOf(moved);
      expect(p2).toBeGreaterThan(p1);

      // Without the header the replica answers: it has not applied the move.
      const lagging = (await (await get(service, '/v2/ryw/app/_tags/latest/history')).json()) as { events: { version: number }[] };
      expect(lagging.events.map((e) => e.version)).toEqual([1]);
      // The current tag comes from the instance's memory, which holds what it acknowledged; a database read of it
      // (no-cache) goes to a copy that has this instance's writes.
      expect(await digestOf(await get(service, '/v2/ryw/app/_tags/latest'))).toBe(digest('b'));
      expect(await digestOf(await fetch(`${service.url}/v2/ryw/app/_tags/latest`, { headers: { 'cache-control': 'no-cache' } }))).toBe(digest('b'));
      // With it, the answer waits for a copy that has p2: here, after the bound, the primary.
      expect(await digestOf(await get(service, '/v2/ryw/app/_tags/latest', p2))).toBe(digest('b'));
      const history = (await (await get(service, '/v2/ryw/app/_tags/latest/history', p2)).json()) as { events: { version: number }[] };
      expect(history.events.map((e) => e.version)).toEqual([2, 1]);
      const list = (await (await get(service, '/v2/ryw/app/tags/list', p2)).json()) as { tags: string[] };
      expect(list.tags).toEqual(['latest']);

      // A write that appends nothing answers the log head it was checked at: a read there sees its state.
      const again = await putTag(service.url, 'ryw/app', 'latest', 'b');
      expect(again.status).toBe(200);
      expect(positionOf(again)).toBeGreaterThanOrEqual(p2);
      const deleted = await fetch(`${service.url}/v2/ryw/app/_tags/latest`, { method: 'DELETE' });
      expect(deleted.status).toBe(202);
      const p3 = positionOf(deleted);
      expect(p3).toBe(p2 + 1);
      expect((await get(service, '/v2/ryw/app/_tags/latest', p3)).status).toBe(404);
      const stillLagging = (await (await get(service, '/v2/ryw/app/_tags/latest/history')).json()) as { events: { version: number }[] };
      expect(stillLagging.events.map((e) => e.version)).toEqual([1]); // the lagging replica has neither the move nor the delete

      // A read that waits while the replica resumes is answered once it has the position.
      const waiting = get(service, '/v2/ryw/app/_tags/latest/history', p3);
      await sleep(100);
      await onReplica((c) => c.query('select pg_wal_replay_resume()'));
      const after = (await (await waiting).json()) as { events: { type: string }[] };
      expect(after.events[0]!.type).toBe('TagDeleted');
    } finally {
      await onReplica((c) => c.query('select pg_wal_replay_resume()'));
    }
  });

  it('refuses a Tag-History-Min-Position that is not a position, with the OCI error body', async () => {
    for (const bad of ['abc', '-1', '1.5', '99999999999999999999']) {
      const res = await get(service, '/v2/ryw/app/_tags/latest', bad as unknown as number);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ errors: [{ code: 'PARAMETER_INVALID' }] });
    }
  });

  it('answers from the primary while the replica is down, and from the replica again once it is back', async () => {
    const written = await putTag(service.url, 'down/app', 'v1', 'x');
    const position = positionOf(written);
    expect(await digestOf(await get(service, '/v2/down/app/_tags/v1', position))).toBe(digest('x'));
    replica.stop('immediate');
    try {
      const moved = await putTag(service.url, 'down/app', 'v1', 'y');
      expect(moved.status).toBe(200);
      for (const min of [undefined, positionOf(moved)]) {
        expect(await digestOf(await get(service, '/v2/down/app/_tags/v1', min))).toBe(digest('y'));
        expect((await get(service, '/v2/down/app/_tags/v1/history', min)).status).toBe(200);
      }
    } finally {
      replica.start();
    }
    const latest = await putTag(service.url, 'down/app', 'v1', 'z');
    expect(await digestOf(await get(service, '/v2/down/app/_tags/v1', positionOf(latest)))).toBe(digest('z'));
  });

  it('runs behind PgBouncer in transaction mode, with the feed LISTENing on its own direct connection', async () => {
    const pooled = await startService({ kind: 'postgres', url: bouncer.url, poolSize: 16, listenUrl: primary.url });
    const tags = Array.from({ length: 40 }, (_, i) => `t${i}`);
    const heard = new Set<string>();
    const done = new AbortController();
    const following = readEventStream(
      pooled.url,
      undefined,
      (_id, event) => {
        if (event.stream.startsWith('pooled/app:')) heard.add(event.stream);
        return heard.size < tags.length;
      },
      done.signal,
    );
    // Writes, reads, idempotent retries and a GC stream (a cursor inside one transaction), 4 server connections for them all.
    const answers = await Promise.all(tags.map((tag) => putTag(pooled.url, 'pooled/app', tag, tag, { 'idempotency-key': `k-${tag}` })));
    expect(answers.map((r) => r.status)).toEqual(tags.map(() => 201));
    const retried = await putTag(pooled.url, 'pooled/app', 't0', 't0', { 'idempotency-key': 'k-t0' });
    expect(retried.headers.get('idempotent-replayed')).toBe('true');
    expect(positionOf(retried)).toBe(positionOf(answers[0]!));
    for (const tag of tags.slice(0, 5)) expect(await digestOf(await get(pooled, `/v2/pooled/app/_tags/${tag}`))).toBe(digest(tag));
    const referenced = await get(pooled, '/v2/_gc/referenced?repository=pooled/app');
    expect(referenced.status).toBe(200);
    expect((await referenced.text()).split('\n').filter((l) => l.includes(digest('t7')))).toHaveLength(1);
    await following;
    expect(heard.size).toBe(tags.length);
    done.abort();

    const log = await pooled.infrastructure.db.selectFrom('events').select('position').orderBy('position').execute();
    expect(log.map((e) => e.position)).toEqual(log.map((_, i) => i + 1));
  });
});
