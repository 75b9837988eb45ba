import 'reflect-metadata';
import { createHash } from 'node:crypto';
import { type TagEvent, type TagState, tagStreamId } from '@tag-history/domain';
import { checkProjections, rebuildProjections } from '@tag-history/projections';
import { loadConfig } from '../apps/api/src/config';
import { createApp } from '../apps/api/src/create-app';
import { openInfrastructure } from '../apps/api/src/infrastructure/open-infrastructure';
import { sql } from 'kysely';

/**
 * History reads on a tag with 10 moves and one with 100,000 must cost the
 * same (indexed access), and a rebuild's speed in events/s. Run against an
 * empty database: DATABASE_URL=... node dist/bench/history-scale.js
 */
const BASE = Date.parse('2026-01-01T00:00:00Z');
const CHUNK = 1_000;
const target = (i: number) => ({ mediaType: 'application/vnd.oci.image.manifest.v1+json', size: 1000 + i, digest: `sha256:${createHash('sha256').update(String(i)).digest('hex')}` });

async function main(): Promise<void> {
  const infrastructure = await openInfrastructure(loadConfig());
  const { eventStore, db } = infrastructure;
  const write = async (tag: string, moves: number) => {
    const streamId = tagStreamId('bench/app', tag);
    for (let done = 0; done <= moves; done += CHUNK) {
      const head = await eventStore.readStreamHead<TagState>(streamId);
      const events: TagEvent[] = [];
      for (let v = head.version + 1; v <= Math.min(moves + 1, head.version + CHUNK); v++) {
        events.push(
          v === 1
            ? { type: 'TagCreated', data: { repository: 'bench/app', tag, target: target(v) } }
            : { type: 'TagMoved', data: { repository: 'bench/app', tag, from: target(v - 1), target: target(v) } },
        );
      }
      if (events.length === 0) break;
      const version = head.version + events.length;
      await eventStore.append([
        { streamId, expected: head, events, snapshot: { version, target: target(version) }, actor: 'bench', time: new Date(BASE + version * 1000) },
      ]);
    }
  };
  let started = Date.now();
  await write('small', 10);
  await write('big', 100_000);
  console.log(`wrote 100,011 events in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  // Appends of 1,000 events share one time; the API stamps each event apart, so the bench gives each its own second.
  await sql`update events set recorded_at = ${new Date(BASE).toISOString()}::timestamptz + version * interval '1 second'`.execute(db);
  await sql`update tag_history set from_time = ${new Date(BASE).toISOString()}::timestamptz + version * interval '1 second',
            to_time = ${new Date(BASE).toISOString()}::timestamptz + to_version * interval '1 second'`.execute(db);
  await sql`analyze`.execute(db);

  const app = await createApp(infrastructure, { logger: false });
  await app.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  const time = async (label: string, path: (tag: string, moves: number) => string) => {
    for (const [tag, moves] of [['small', 10], ['big', 100_000]] as const) {
      const p = path(tag, moves);
      for (let i = 0; i < 50; i++) await (await fetch(url + p)).arrayBuffer();
      const runs = 500;
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < runs; i++) {
        const res = await fetch(url + p);
        if (res.status !== 200) throw new Error(`${p}: ${res.status}`);
        await res.arrayBuffer();
      }
      console.log(`${label} ${tag} (${moves} moves): ${(Number(process.hrtime.bigint() - t0) / 1e6 / runs).toFixed(2)} ms/request`);
    }
  };
  const mid = (moves: number) => new Date(BASE + Math.floor(moves / 2) * 1000 + 500).toISOString();
  await time('history page n=10 (newest)', (tag) => `/v2/bench/app/_tags/${tag}/history?n=10`);
  await time('history page n=10 (middle cursor)', (tag, moves) => `/v2/bench/app/_tags/${tag}/history?n=10&last=${Math.ceil(moves / 2)}`);
  await time('history page n=100 (newest)', (tag) => `/v2/bench/app/_tags/${tag}/history?n=100`);
  await time('history page n=100 (middle cursor)', (tag, moves) => `/v2/bench/app/_tags/${tag}/history?n=100&last=${Math.ceil(moves / 2)}`);
  await time('OCI history n=100 before=middle', (tag, moves) => `/v2/bench/app/_oci/tag-history/${tag}?n=100&before=${mid(moves)}`);
  await time('point in time ?at=middle', (tag, moves) => `/v2/bench/app/_tags/${tag}?at=${mid(moves)}`);
  await time('point in time ?position=', (tag) => `/v2/bench/app/_tags/${tag}?position=50`);
  await time('_resolve tag@old digest', (tag) => `/v2/_resolve?reference=${encodeURIComponent(`bench/app:${tag}@${target(2).digest}`)}`);
  const batch = (round: number) => ({
    operations: Array.from({ length: 100 }, (_, i) => ({ op: round === 0 ? 'create' : 'move', name: 'bench/batch', tag: `t${i}`, target: target(round * 1000 + i) })),
  });
  const batchTimes: number[] = [];
  for (let round = 0; round < 20; round++) {
    const t0 = process.hrtime.bigint();
    const res = await fetch(`${url}/v2/_batch`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(batch(round)) });
    if (res.status !== 200) throw new Error(`batch: ${res.status} ${await res.text()}`);
    batchTimes.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  batchTimes.sort((a, b) => a - b);
  console.log(`batch of 100 moves: median ${batchTimes[10]!.toFixed(1)} ms, max ${batchTimes[19]!.toFixed(1)} ms (20 batches)`);
  await app.close();

  started = Date.now();
  const rebuilt = await rebuildProjections(db);
  const seconds = (Date.now() - started) / 1000;
  console.log(`rebuild: ${rebuilt.events} events in ${seconds.toFixed(2)} s = ${Math.round(rebuilt.events / seconds)} events/s`);
  started = Date.now();
  const check = await checkProjections(db);
  console.log(`check: ${check.differences.length} differing tables in ${((Date.now() - started) / 1000).toFixed(2)} s`);
  await db.destroy();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
