import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { Config } from '@tag-history/config';
import { createApp } from '../../apps/api/src/create-app';
import { loadGcSettings, loadOperationsConfig, loadTransparencyConfig } from '@tag-history/config';
import { type Infrastructure, openInfrastructure } from '../../apps/api/src/infrastructure/open-infrastructure';
import { digest, putTag } from '../support/fixtures';
import { readFeedPage } from '../support/follow-feed';
import { type PrivatePostgres, postgresBinaries, startPrivatePostgres } from '../support/private-postgres';
import { onPostgres } from '../support/test-infrastructure';

/*
 * Postgres restarts under load. The server stopped and started here is a
 * private cluster of this test (see private-postgres.ts), never the shared
 * one. Runs in the Postgres pass of the suite, where the binaries are.
 */
const describeWithCluster = onPostgres && postgresBinaries() ? describe : describe.skip;

/** A bound on every request: reaching it would be a hang, which is what must not happen. */
const NO_HANG = () => AbortSignal.timeout(15_000);

interface Attempt {
  tag: string;
  seed: string;
  /** The HTTP status, or undefined when no answer came. */
  status?: number;
  events: { version: number; position: number }[];
}

let cluster: PrivatePostgres;
let infrastructure: Infrastructure;
let app: NestFastifyApplication;
let url: string;
let keyDir: string;

beforeAll(async () => {
  if (!(onPostgres && postgresBinaries())) return;
  cluster = await startPrivatePostgres();
  keyDir = mkdtempSync(join(tmpdir(), 'tag-history-restart-'));
  const config: Config = {
    host: '127.0.0.1',
    port: 0,
    storage: { kind: 'postgres', url: cluster.url, poolSize: 8 },
    signingKey: { kind: 'file', path: join(keyDir, 'signing-key.jwk'), generateIfMissing: true },
    transparency: loadTransparencyConfig({}, keyDir),
    gc: loadGcSettings({}),
    operations: loadOperationsConfig({}),
  };
  infrastructure = await openInfrastructure(config);
  app = await createApp(infrastructure, { logger: false });
  await app.listen(0, '127.0.0.1');
  url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
});

afterAll(async () => {
  if (!cluster) return;
  await app.close();
  await infrastructure.db.destroy();
  cluster.destroy();
  rmSync(keyDir, { recursive: true, force: true });
});

describeWithCluster('when Postgres restarts under load', () => {
  it('answers 503 fast while it is down, recovers by itself, and loses no acknowledged write', async () => {
    const attempts: Attempt[] = [];
    let load = true;
    const writers = Array.from({ length: 6 }, async (_, w) => {
      for (let i = 0; load; i++) {
        const attempt: Attempt = { tag: `w${w}`, seed: `w${w}-${i}`, events: [] };
        attempts.push(attempt);
        try {
          const res = await putTag(url, 'restart/app', attempt.tag, attempt.seed).catch(() => undefined);
          attempt.status = res?.status;
          if (res && res.status < 300) attempt.events = ((await res.json()) as { events: Attempt['events'] }).events;
          if (res && res.status >= 500) await sleep(20);
        } catch {
          // no answer: the write must then be whole or absent
        }
      }
    });

    const acknowledged = () => attempts.filter((a) => a.status !== undefined && a.status < 300).length;
    try {
      for (const mode of ['fast', 'immediate'] as const) {
        const before = acknowledged();
        while (acknowledged() < before + 20) await sleep(20);
        cluster.stop(mode);

        // Down: every kind of request that needs the database fails at once with 503 and the OCI body. A current-tag
        // lookup may be answered from memory until the instance has noticed its LISTEN connection is gone (README,
        // "Current tags from memory"); asked for the database (no-cache) it fails at once, and soon without it too.
        for (const path of ['/v2/restart/app/_tags/w0', '/v2/_events', '/readyz']) {
          const res = await fetch(`${url}${path}`, { signal: NO_HANG(), headers: { 'cache-control': 'no-cache' } });
          expect(res.status).toBe(503);
          if (path !== '/readyz') expect(await res.json()).toMatchObject({ errors: [{ code: 'UNAVAILABLE' }] });
        }
        for (let i = 0; (await fetch(`${url}/v2/restart/app/_tags/w0`, { signal: NO_HANG() })).status !== 503; i++) {
          if (i > 100) throw new Error('a current tag is still answered from memory although the database is down');
          await sleep(50);
        }
        const write = await putTag(url, 'restart/app', 'down', `${mode}-down`);
        expect(write.status).toBe(503);
        expect(await write.json()).toMatchObject({ errors: [{ code: 'UNAVAILABLE', message: expect.any(String) }] });

        cluster.start();
        // Back: ready again without any help, and writes go through.
        for (let i = 0; (await fetch(`${url}/readyz`, { signal: NO_HANG() })).status !== 200; i++) {
          expect(i).toBeLessThan(300);
          await sleep(100);
        }
        const after = acknowledged();
        while (acknowledged() < after + 20) await sleep(20);
      }
    } finally {
      // Whatever failed above, the writers stop: they would otherwise call a closed service for ever.
      load = false;
      await Promise.all(writers);
    }

    const db = infrastructure.db;
    const log = await db.selectFrom('events').selectAll().orderBy('position').execute();
    expect(log.map((e) => e.position)).toEqual(log.map((_, i) => i + 1));
    expect((await db.selectFrom('log_head').select('position').executeTakeFirstOrThrow()).position).toBe(log.length);

    // Every acknowledged write is in the log, with the version and position it was told.
    const byPosition = new Map(log.map((e) => [e.position, e]));
    for (const a of attempts.filter((a) => a.status !== undefined && a.status < 300)) {
      expect(a.events).toHaveLength(1);
      const e = byPosition.get(a.events[0]!.position);
      expect(e).toMatchObject({ stream_id: `restart/app:${a.tag}`, version: a.events[0]!.version });
      expect((e!.data as { target: { digest: string } }).target.digest).toBe(digest(a.seed));
    }
    // Any other write is in the log once or not at all.
    for (const a of attempts) {
      const copies = log.filter((e) => (e.data as { target: { digest: string } }).target.digest === digest(a.seed));
      expect(copies.length).toBeLessThanOrEqual(1);
    }
    // Whole: every event came with its stream head and projection, versions and hash chain unbroken.
    const streams = await db.selectFrom('streams').selectAll().where('version', '>', 0).execute();
    const tags = await db.selectFrom('tags').selectAll().execute();
    for (const stream of streams) {
      const events = log.filter((e) => e.stream_id === stream.stream_id);
      expect(events.map((e) => e.version)).toEqual(events.map((_, i) => i + 1));
      events.forEach((e, i) => expect(e.prev_hash).toBe(i === 0 ? null : events[i - 1]!.hash));
      const last = events.at(-1)!;
      expect(stream).toMatchObject({ version: last.version, last_hash: last.hash });
      const tag = tags.find((t) => `${t.repository}:${t.tag}` === stream.stream_id);
      expect(tag).toMatchObject({ version: last.version, position: last.position, digest: (last.data as { target: { digest: string } }).target.digest });
    }
    expect(tags).toHaveLength(streams.length);

    // The feed is back too, long-poll included.
    const { cursor } = await readFeedPage(url, 'limit=1000');
    const waiting = readFeedPage(url, `after=${cursor}&wait=30`);
    await putTag(url, 'restart/app', 'after', 'after');
    expect((await waiting).events.map((e) => e.stream)).toEqual(['restart/app:after']);
  });
});
