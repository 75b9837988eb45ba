/**
 * Benchmark: the GC referenced set over HTTP on real Postgres.
 *
 *   npx swc apps libs bench -d dist --quiet
 *   BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \
 *   BENCH_SIZES=10000,100000,1000000 BENCH_EVENTS_PER_TAG=2 node --expose-gc dist/bench/gc-referenced.js
 *
 * For each size it creates a database of its own, loads N current tags over
 * min(10,000, N/10) repositories with set-based SQL straight into the tables
 * the projections keep (events, streams, tags, tag_history, repositories,
 * log_head; every tag has BENCH_EVENTS_PER_TAG events: a create and moves,
 * the older intervals closed long before the retention window), starts the
 * service in this process, streams GET /v2/_gc/referenced to its end and
 * samples the process's resident memory meanwhile (client included: it
 * only counts bytes). Events carry placeholder signatures: the referenced
 * set never reads them.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { createApp } from '../apps/api/src/create-app';
import { openInfrastructure } from '../apps/api/src/infrastructure/open-infrastructure';

export interface GcReferencedResult {
  tags: number;
  repositories: number;
  events: number;
  lines: number;
  bytes: number;
  loadSeconds: number;
  firstByteMs: number;
  totalMs: number;
  rssBeforeMb: number;
  rssGrowthMb: number;
}

export async function benchGcReferenced(url: string, tags: number, eventsPerTag: number): Promise<GcReferencedResult> {
  const name = `tagh_bench_gc_${randomBytes(4).toString('hex')}`;
  await admin(url, `create database ${name}`);
  const dir = mkdtempSync(join(tmpdir(), 'tag-history-bench-'));
  const dbUrl = new URL(url);
  dbUrl.pathname = `/${name}`;
  const infrastructure = await openInfrastructure({
    host: '127.0.0.1',
    port: 0,
    storage: { kind: 'postgres', url: dbUrl.toString(), poolSize: 8 },
    signingKey: { kind: 'file', path: join(dir, 'signing-key.jwk'), generateIfMissing: true },
  });
  try {
    const repositories = Math.max(1, Math.min(10_000, Math.floor(tags / 10)));
    const loadStart = performance.now();
    await load(infrastructure.db, tags, repositories, eventsPerTag);
    const loadSeconds = (performance.now() - loadStart) / 1000;

    const app = await createApp(infrastructure, { logger: false });
    await app.listen(0, '127.0.0.1');
    const { port } = app.getHttpServer().address() as { port: number };
    try {
      global.gc?.();
      const rssBefore = process.memoryUsage.rss();
      let rssMax = rssBefore;
      const sampler = setInterval(() => (rssMax = Math.max(rssMax, process.memoryUsage.rss())), 20);
      const start = performance.now();
      const res = await fetch(`http://127.0.0.1:${port}/v2/_gc/referenced`);
      const reader = res.body!.getReader();
      let bytes = 0;
      let newlines = 0;
      let firstByteMs = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        if (bytes === 0) firstByteMs = performance.now() - start;
        bytes += value.length;
        for (let i = 0; i < value.length; i++) if (value[i] === 10) newlines++;
      }
      const totalMs = performance.now() - start;
      clearInterval(sampler);
      rssMax = Math.max(rssMax, process.memoryUsage.rss());
      return {
        tags,
        repositories,
        events: tags * eventsPerTag,
        lines: newlines - 2,
        bytes,
        loadSeconds,
        firstByteMs,
        totalMs,
        rssBeforeMb: rssBefore / 2 ** 20,
        rssGrowthMb: (rssMax - rssBefore) / 2 ** 20,
      };
    } finally {
      await app.close();
    }
  } finally {
    await infrastructure.db.destroy();
    await admin(url, `drop database if exists ${name} with (force)`);
    rmSync(dir, { recursive: true, force: true });
  }
}

type Db = Awaited<ReturnType<typeof openInfrastructure>>['db'];

async function load(db: Db, n: number, r: number, e: number): Promise<void> {
  // Tag i is tag "t<i / r>" of repository i % r; its version v points at digest sha256(i-v).
  const repo = sql`'bench/r' || lpad((i % ${r})::text, 5, '0')`;
  const tag = sql`'t' || (i / ${r})::text`;
  const dig = (v: unknown) => sql`'sha256:' || encode(sha256(convert_to(i::text || '-' || ${v}::text, 'UTF8')), 'hex')`;
  const at = (v: unknown) => sql`(timestamptz '2026-01-01' + make_interval(days => (${v})::int, secs => i / 1000.0))`;
  const statements = [
    sql`insert into repositories (name, created_at) select 'bench/r' || lpad(g::text, 5, '0'), timestamptz '2026-01-01' from generate_series(0, ${r - 1}) g`,
    sql`
      insert into events (position, stream_id, version, type, data, actor, recorded_at, jws, hash, prev_hash)
      select v.v * ${n} + i + 1, ${repo} || ':' || ${tag}, v.v + 1,
             case when v.v = 0 then 'TagCreated' else 'TagMoved' end,
             jsonb_build_object('repository', ${repo}, 'tag', ${tag},
               'target', jsonb_build_object('mediaType', 'application/vnd.oci.image.manifest.v1+json', 'size', 1234, 'digest', ${dig(sql`v.v`)})),
             'bench', ${at(sql`v.v`)}, 'placeholder.jws', md5(i::text || '-' || v.v::text), null
      from generate_series(0, ${n - 1}) i cross join generate_series(0, ${e - 1}) v(v)`,
    sql`
      insert into streams (stream_id, version, last_hash, snapshot)
      select ${repo} || ':' || ${tag}, ${e}, md5(i::text || '-' || ${e - 1}::text), '{}'::jsonb from generate_series(0, ${n - 1}) i`,
    sql`
      insert into tags (repository, tag, media_type, size, digest, version, position, updated_at, updated_by)
      select ${repo}, ${tag}, 'application/vnd.oci.image.manifest.v1+json', 1234, ${dig(e - 1)}, ${e}, ${(e - 1) * n} + i + 1, ${at(e - 1)}, 'bench'
      from generate_series(0, ${n - 1}) i`,
    sql`
      insert into tag_history (repository, tag, version, media_type, size, digest, from_position, from_time, from_actor,
                               to_version, to_position, to_time, to_actor)
      select ${repo}, ${tag}, v.v + 1, 'application/vnd.oci.image.manifest.v1+json', 1234, ${dig(sql`v.v`)},
             v.v * ${n} + i + 1, ${at(sql`v.v`)}, 'bench',
             case when v.v < ${e - 1} then v.v + 2 end, case when v.v < ${e - 1} then (v.v + 1) * ${n} + i + 1 end,
             case when v.v < ${e - 1} then ${at(sql`v.v + 1`)} end, case when v.v < ${e - 1} then 'bench' end
      from generate_series(0, ${n - 1}) i cross join generate_series(0, ${e - 1}) v(v)`,
    sql`update log_head set position = ${n * e} where id = 1`,
    sql`vacuum analyze`,
  ];
  for (const statement of statements) await statement.execute(db);
}

async function admin(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

async function main(): Promise<void> {
  const url = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const sizes = (process.env.BENCH_SIZES ?? '10000,100000,1000000').split(',').map(Number);
  const eventsPerTag = Number(process.env.BENCH_EVENTS_PER_TAG ?? 2);
  console.log('tags\trepos\tevents\tlines\tMB out\tload s\tfirst byte ms\tstream ms\tRSS before MB\tRSS growth MB');
  for (const tags of sizes) {
    const r = await benchGcReferenced(url, tags, eventsPerTag);
    console.log(
      [r.tags, r.repositories, r.events, r.lines, (r.bytes / 2 ** 20).toFixed(1), r.loadSeconds.toFixed(1), r.firstByteMs.toFixed(0), r.totalMs.toFixed(0), r.rssBeforeMb.toFixed(0), r.rssGrowthMb.toFixed(1)].join('\t'),
    );
  }
}

if (require.main === module) {
  main().catch((error) => {
    console.error(error);
    process.exitCode = 1;
  });
}
