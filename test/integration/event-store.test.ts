import { EventStore, type NewEvent, StreamConflictError } from '@tag-history/event-store';
import { projectAll } from '@tag-history/projections';
import { sql } from 'kysely';
import { connect } from '@tag-history/database';
import { target } from '../support/fixtures';
import { createTestInfrastructure, onPostgres, type TestInfrastructure } from '../support/test-infrastructure';

let infra: TestInfrastructure;
beforeAll(async () => {
  infra = await createTestInfrastructure();
});
afterAll(() => infra.close());

const created = (repository: string, tag: string, seed: string): NewEvent => ({
  type: 'TagCreated',
  data: { repository, tag, target: target(seed) },
});
const request = (streamId: string, version: number, lastHash: string | null, events: NewEvent[]) => ({
  streamId,
  expected: { version, lastHash },
  events,
  snapshot: null,
  actor: 'tester',
  time: new Date(),
});
const count = async () => Number((await sql<{ n: string }>`select count(*) as n from events`.execute(infra.db)).rows[0]!.n);

describe('EventStore.append', () => {
  it('fails a stale expected version and writes nothing', async () => {
    await infra.eventStore.append([request('es/a:x', 0, null, [created('es/a', 'x', '1')])]);
    const before = await count();
    await expect(infra.eventStore.append([request('es/a:x', 0, null, [created('es/a', 'x', '2')])])).rejects.toBeInstanceOf(StreamConflictError);
    expect(await count()).toBe(before);
  });

  it('commits a unit over several streams all or nothing', async () => {
    const before = await count();
    await expect(
      infra.eventStore.append([request('es/b:fresh', 0, null, [created('es/b', 'fresh', '1')]), request('es/a:x', 0, null, [created('es/a', 'x', '3')])]),
    ).rejects.toMatchObject({ streamId: 'es/a:x' });
    expect(await count()).toBe(before);
    const fresh = await infra.eventStore.readStreamHead('es/b:fresh');
    expect(fresh.version).toBe(0);
  });

  it('lets exactly one of many appends with the same expectation win', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 32 }, (_, i) => infra.eventStore.append([request('es/c:race', 0, null, [created('es/c', 'race', `r${i}`)])])),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'rejected' && r.reason instanceof StreamConflictError)).toHaveLength(31);
    const rows = await infra.db.selectFrom('events').select('version').where('stream_id', '=', 'es/c:race').execute();
    expect(rows.map((r) => r.version)).toEqual([1]);
  });

  it('commits concurrent appends to different streams without failing any', async () => {
    const results = await Promise.allSettled(
      Array.from({ length: 200 }, (_, i) => infra.eventStore.append([request(`es/d:t${i}`, 0, null, [created('es/d', `t${i}`, `d${i}`)])])),
    );
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
  });

  it('chains each event to the previous one of its stream', async () => {
    const [[first]] = await infra.eventStore.append([request('es/e:t', 0, null, [created('es/e', 't', 'e1')])]);
    const [[second]] = await infra.eventStore.append([
      request('es/e:t', 1, first!.hash, [{ type: 'TagDeleted', data: { repository: 'es/e', tag: 't', from: target('e1') } }]),
    ]);
    expect(second!.prevHash).toBe(first!.hash);
  });
});

// Positions are allocated under the log_head row lock, held to commit: a
// reader of `position > cursor` must never miss an event that commits late.
// On Postgres a second instance writes too, and a transaction sits on the
// lock for a while; PGlite has one connection, so there it is one writer.
describe('reading the log while it is written', () => {
  it('never skips or repeats an event', async () => {
    const other = onPostgres ? connect(infra.database.config.storage) : undefined;
    const stores = other ? [infra.eventStore, new EventStore(other.db, infra.key, projectAll, { concurrency: 2, maxEvents: 100 })] : [infra.eventStore];
    const headPosition = async () => Number((await sql<{ p: string }>`select position as p from log_head`.execute(infra.db)).rows[0]!.p);
    const start = await headPosition();

    const seen: number[] = [];
    let cursor = start;
    let writing = true;
    const reader = (async () => {
      while (writing || cursor < (await headPosition())) {
        const rows = await infra.db.selectFrom('events').select('position').where('position', '>', cursor).orderBy('position').limit(50).execute();
        for (const r of rows) seen.push(r.position);
        if (rows.length > 0) cursor = rows[rows.length - 1]!.position;
        else await new Promise((r) => setImmediate(r));
      }
    })();

    const slow = other?.db.transaction().execute(async (trx) => {
      await sql`update log_head set position = position + 1 where id = 1`.execute(trx);
      await new Promise((r) => setTimeout(r, 300));
      throw new Error('rolled back on purpose');
    });
    const writers = Array.from({ length: 300 }, (_, i) =>
      stores[i % stores.length]!.append([request(`gap/x:t${i}`, 0, null, [created('gap/x', `t${i}`, `g${i}`)])]),
    );
    if (slow) await expect(slow).rejects.toThrow('rolled back on purpose');
    await Promise.all(writers);
    writing = false;
    await reader;
    await other?.db.destroy();

    const log = await infra.db.selectFrom('events').select('position').where('position', '>', start).orderBy('position').execute();
    expect(log).toHaveLength(300);
    expect(seen).toEqual(log.map((l) => l.position));
    // Dense: a rolled-back allocation leaves no hole.
    expect(log.map((l) => l.position)).toEqual(log.map((_, i) => start + i + 1));
  });
});
