import { connect } from '@tag-history/database';
import { type TagCommand, tagDecider, TagHistoryError, type TagState, tagStreamId } from '@tag-history/domain';
import type { EventStore, WriteContext } from '@tag-history/event-store';
import { sql } from 'kysely';
import { createEventStore } from '../../apps/api/src/infrastructure/open-infrastructure';
import { target } from '../support/fixtures';
import { createTestInfrastructure, onPostgres, type TestInfrastructure } from '../support/test-infrastructure';

let infra: TestInfrastructure;
beforeAll(async () => {
  infra = await createTestInfrastructure();
});
afterAll(() => infra.close());

const context = (): WriteContext => ({ actor: 'tester', time: new Date() });
const put = (repository: string, tag: string, seed: string, extra: { expectedVersion?: number; createOnly?: boolean } = {}): TagCommand => ({
  type: 'PutTag',
  data: { repository, tag, target: target(seed), ...extra },
});
const del = (repository: string, tag: string): TagCommand => ({ type: 'DeleteTag', data: { repository, tag } });
const op = (command: TagCommand) => ({ streamId: tagStreamId(command.data.repository, command.data.tag), decider: tagDecider, command });
const write = (store: EventStore, ...commands: TagCommand[]) => store.write<TagState>(commands.map(op), context());
const count = async () => Number((await sql<{ n: string }>`select count(*) as n from events`.execute(infra.db)).rows[0]!.n);
const streamLog = (streamId: string) =>
  infra.db.selectFrom('events').select(['version', 'hash', 'prev_hash', 'data']).where('stream_id', '=', streamId).orderBy('version').execute();

/** Versions 1..n with no gap, each event chained to the one before. */
async function expectChained(streamId: string, n: number) {
  const log = await streamLog(streamId);
  expect(log.map((e) => e.version)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
  log.forEach((e, i) => expect(e.prev_hash).toBe(i === 0 ? null : log[i - 1]!.hash));
}

describe('the write path', () => {
  it('applies 100 concurrent unconditional moves of one tag as 100 consecutive versions, without an error', async () => {
    const results = await Promise.allSettled(Array.from({ length: 100 }, (_, i) => write(infra.eventStore, put('hot/app', 'latest', `h${i}`))));
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    await expectChained('hot/app:latest', 100);
    const versions = results.map((r) => (r as PromiseFulfilledResult<{ state: TagState }[]>).value[0]!.state.version).sort((a, b) => a - b);
    expect(versions).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
  });

  it('answers a refusal to its own writer only', async () => {
    await write(infra.eventStore, put('ref/app', 't', 'a'));
    const results = await Promise.allSettled([
      write(infra.eventStore, put('ref/app', 't', 'b')),
      write(infra.eventStore, put('ref/app', 't', 'c', { createOnly: true })),
      write(infra.eventStore, put('ref/app', 't', 'd')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toMatchObject({ code: 'PRECONDITION_FAILED' });
    await expectChained('ref/app:t', 3);
  });

  it('commits a write over several streams all or nothing, naming the refused operation', async () => {
    const before = await count();
    const refusal = (index: number, error: unknown) => new TagHistoryError((error as TagHistoryError).code, `operation ${index}`, { index });
    await expect(infra.eventStore.write([op(put('all/app', 'a', '1')), op(del('all/app', 'missing'))], { ...context(), refusal })).rejects.toMatchObject({
      code: 'TAG_UNKNOWN',
      detail: { index: 1 },
    });
    expect(await count()).toBe(before);
  });

  it('applies several operations on one tag in one write, in order', async () => {
    const results = await write(infra.eventStore, put('seq/app', 't', '1'), put('seq/app', 't', '2'), del('seq/app', 't'), put('seq/app', 't', '3'));
    expect(results.map((r) => r.events.map((e) => e.type))).toEqual([['TagCreated'], ['TagMoved'], ['TagDeleted'], ['TagCreated']]);
    expect(results.map((r) => r.state.version)).toEqual([1, 2, 3, 4]);
    await expectChained('seq/app:t', 4);
    const history = await infra.db.selectFrom('tag_history').select(['version', 'to_version']).where('repository', '=', 'seq/app').orderBy('version').execute();
    expect(history).toEqual([
      { version: 1, to_version: 2 },
      { version: 2, to_version: 3 },
      { version: 4, to_version: null },
    ]);
  });

  it('keeps one write whose data the database refuses from failing the others of its round', async () => {
    // U+0000 cannot be stored in jsonb: the whole round fails, and each write then runs alone.
    const bad = { ...put('nul/app', 'bad', 'x'), data: { repository: 'nul/app', tag: 'bad', target: { ...target('x'), mediaType: 'a\u0000b' } } } as TagCommand;
    const results = await Promise.allSettled([
      ...Array.from({ length: 20 }, (_, i) => write(infra.eventStore, put('nul/app', `good${i}`, 'x'))),
      write(infra.eventStore, bad),
    ]);
    expect(results.slice(0, 20).filter((r) => r.status === 'rejected')).toEqual([]);
    expect(results[20]!.status).toBe('rejected');
  });
});

// Two event stores on one database stand for two instances, each remembering
// stream heads of its own; only there can a head be stale.
describe('two instances on one hot tag', () => {
  const run = onPostgres ? it : it.skip;
  run('applies every unconditional write of both, in version order, with no gap', async () => {
    const other = connect(infra.database.config.storage);
    const stores = [infra.eventStore, createEventStore(other, infra.key)];
    try {
      const results = await Promise.allSettled(
        Array.from({ length: 128 }, (_, i) => write(stores[i % 2]!, i % 16 === 15 ? del('two/app', 'hot') : put('two/app', 'hot', `t${i}`))),
      );
      const refused = results.filter((r) => r.status === 'rejected').map((r) => (r as PromiseRejectedResult).reason.code);
      // A delete can only be refused when the tag was already deleted.
      expect(refused.every((code) => code === 'TAG_UNKNOWN')).toBe(true);
      await expectChained('two/app:hot', results.length - refused.length);
    } finally {
      await other.db.destroy();
    }
  });
});

// Positions are allocated under the log_head row lock, held to commit: a
// reader of `position > cursor` must never miss an event that commits late.
// On Postgres a second instance writes too, and a transaction sits on the
// lock for a while; PGlite has one connection, so there it is one writer.
describe('reading the log while it is written', () => {
  it('never skips or repeats an event', async () => {
    const other = onPostgres ? connect(infra.database.config.storage) : undefined;
    const stores = other ? [infra.eventStore, createEventStore(other, infra.key)] : [infra.eventStore];
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
    const writers = Array.from({ length: 300 }, (_, i) => write(stores[i % stores.length]!, put('gap/x', `t${i}`, `g${i}`)));
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
