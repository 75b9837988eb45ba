import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { putTag, target } from '../support/fixtures';
import { type FeedItem, readEventStream, readFeedPage } from '../support/follow-feed';
import { startTestApp, type TestApp } from '../support/test-app';
import { onPostgres } from '../support/test-infrastructure';

/*
 * The feed's promise: a reader that follows the log by cursor sees every
 * event exactly once, even while transactions commit late. Writers here go
 * through the API and through raw appends that hold their
 * transaction open (after their positions are allocated) for a while; on
 * Postgres, raw transactions also hold the log head's lock. Two readers
 * follow all along: long-poll pages and a Server-Sent Events stream that
 * reconnects with Last-Event-ID every few events.
 */
const WRITERS = onPostgres ? 8 : 3;
const WRITES_EACH = onPostgres ? 25 : 5;
const SLOW_WRITERS = 2;

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

it('delivers every event exactly once, in log order, to readers that follow by cursor', async () => {
  const tags = Array.from({ length: 6 }, (_, i) => [`gapfree/r${i % 3}`, `t${i}`] as const);
  const pick = () => tags[Math.floor(Math.random() * tags.length)]!;
  let writing = true;

  const httpWriters = Array.from({ length: WRITERS }, async (_, w) => {
    for (let i = 0; i < WRITES_EACH; i++) {
      const [name, tag] = pick();
      const res = await putTag(t.url, name, tag, `w${w}-${i}`);
      expect([200, 201]).toContain(res.status);
    }
  });
  const slowWriters = Array.from({ length: SLOW_WRITERS }, async (_, w) => {
    for (let i = 0; i < WRITES_EACH; i++) {
      if (onPostgres) await slowAppend(t.infrastructure.database.config.storage, `gapfree/slow`, `w${w}-${i}`);
      else expect([200, 201]).toContain((await putTag(t.url, 'gapfree/slow', `w${w}-${i}`, 'slow')).status);
    }
  });
  const lockHolders = onPostgres ? [holdLogHead(t.infrastructure.database.config.storage)] : [];

  const polled: FeedItem[] = [];
  const poller = (async () => {
    let cursor = '';
    for (;;) {
      const done = !writing;
      const page = await readFeedPage(t.url, `after=${cursor}&limit=7&wait=1`);
      polled.push(...page.events);
      cursor = page.cursor;
      if (done && page.events.length === 0) return;
    }
  })();

  const streamed: FeedItem[] = [];
  let total: number | undefined;
  const caughtUp = () => total !== undefined && streamed.length >= total;
  const streamer = (async () => {
    let lastId: string | undefined;
    while (!caughtUp()) {
      // A new connection every 5 events, resuming from the last id received.
      let count = 0;
      const stop = new AbortController();
      const check = setInterval(() => caughtUp() && stop.abort(), 50);
      await readEventStream(
        t.url,
        lastId,
        (id, event) => {
          streamed.push(event);
          lastId = id;
          return ++count < 5 && !caughtUp();
        },
        stop.signal,
      );
      clearInterval(check);
    }
  })();

  await Promise.all([...httpWriters, ...slowWriters, ...lockHolders]);
  writing = false;
  const log = await t.infrastructure.db.selectFrom('events').select(['position', 'stream_id', 'version']).orderBy('position').execute();
  total = log.length;
  await Promise.all([poller, streamer]);
  expect(log).toHaveLength((WRITERS + SLOW_WRITERS) * WRITES_EACH);
  expect(log.map((e) => e.position)).toEqual(log.map((_, i) => i + 1));
  const expected = log.map((e) => `${e.position} ${e.stream_id} ${e.version}`);
  expect(polled.map((e) => `${e.position} ${e.stream} ${e.version}`)).toEqual(expected);
  expect(streamed.map((e) => `${e.position} ${e.stream} ${e.version}`)).toEqual(expected);
}, 180_000);

/**
 * An append whose transaction stays open after its positions are allocated:
 * the write path's own database call, in a transaction that sleeps before it
 * commits. Its event is not signed: readers of the feed only need its place.
 */
async function slowAppend(storage: { kind: string; url?: string }, repository: string, tag: string): Promise<void> {
  const client = new pg.Client({ connectionString: storage.url });
  await client.connect();
  try {
    const stream = `${repository}:${tag}`;
    const data = { repository, tag, target: target(tag) };
    const batch = {
      streams: [{ id: stream, expected: 0, version: 1, lastHash: 'sha256:slow', snapshot: { version: 1, target: data.target } }],
      events: [
        { i: 1, stream, version: 1, type: 'TagCreated', data, actor: 'slow', time: new Date().toISOString(), jws: 'unsigned', hash: 'sha256:slow', prev: null },
      ],
      keys: [],
    };
    await client.query('begin');
    await client.query('select tag_history_append($1::jsonb)', [JSON.stringify(batch)]);
    await sleep(10 + Math.random() * 40);
    await client.query('commit');
  } finally {
    await client.end();
  }
}

/** Raw transactions that take the log head's row lock and sit on it, as a slow append would. */
async function holdLogHead(storage: { kind: string; url?: string }): Promise<void> {
  const client = new pg.Client({ connectionString: storage.url });
  await client.connect();
  try {
    for (let i = 0; i < 10; i++) {
      await client.query('begin');
      await client.query('select position from log_head where id = 1 for update');
      await sleep(30 + Math.random() * 50);
      await client.query('commit');
      await sleep(20);
    }
  } finally {
    await client.end();
  }
}
