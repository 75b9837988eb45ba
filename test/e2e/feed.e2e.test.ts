import { verifyEvent } from '@tag-history/signing';
import { putTag } from '../support/fixtures';
import { readEventStream } from '../support/follow-feed';
import { startTestApp, type TestApp } from '../support/test-app';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

interface FeedEvent {
  cursor: string;
  position: number;
  stream: string;
  version: number;
  type: string;
  data: { repository: string };
  jws: string;
}
interface FeedPage {
  events: FeedEvent[];
  cursor: string;
}

const feed = async (query = ''): Promise<FeedPage> => {
  const res = await fetch(`${t.url}/v2/_events${query}`);
  expect(res.status).toBe(200);
  return (await res.json()) as FeedPage;
};

/** Every event of the log, in position order, as the database holds it. */
const log = () => t.infrastructure.db.selectFrom('events').select(['position', 'stream_id', 'type', 'jws']).orderBy('position').execute();

/** Reads the event stream after `lastEventId` until `count` events came. */
async function readEvents(headers: Record<string, string>, count: number): Promise<{ id: string; event: FeedEvent }[]> {
  const received: { id: string; event: FeedEvent }[] = [];
  await readEventStream(t.url, headers['last-event-id'], (id, event) => received.push({ id, event: event as FeedEvent }) < count);
  return received;
}

describe('GET /v2/_events', () => {
  beforeAll(async () => {
    await putTag(t.url, 'feed/a', 'v1', 'a1');
    await putTag(t.url, 'feed/a', 'v1', 'a2');
    await putTag(t.url, 'feed/b', 'v1', 'b1');
    await fetch(`${t.url}/v2/feed/b/_tags/v1`, { method: 'DELETE' });
  });

  it('serves the whole log in order with signatures that verify against the JWKS', async () => {
    const page = await feed();
    const rows = await log();
    expect(page.events.map((e) => e.position)).toEqual(rows.map((r) => r.position));
    expect(page.events.map((e) => e.jws)).toEqual(rows.map((r) => r.jws));
    expect(page.cursor).toBe(page.events.at(-1)!.cursor);
    const jwks = (await (await fetch(`${t.url}/.well-known/jwks.json`)).json()) as Parameters<typeof verifyEvent>[1];
    for (const e of page.events) expect(await verifyEvent(e.jws, jwks)).toMatchObject({ stream: e.stream, version: e.version, type: e.type });
  });

  it('pages with limit and resumes after a cursor without repeats or gaps', async () => {
    const all = (await feed()).events;
    const seen: number[] = [];
    let cursor = '';
    for (;;) {
      const page = await feed(`?limit=1&after=${cursor}`);
      if (page.events.length === 0) {
        expect(page.cursor).toBe(cursor);
        break;
      }
      seen.push(...page.events.map((e) => e.position));
      cursor = page.cursor;
    }
    expect(seen).toEqual(all.map((e) => e.position));
  });

  it('filters by repository and by type', async () => {
    const byRepo = await feed('?repository=feed/a');
    expect(byRepo.events.map((e) => [e.stream, e.type])).toEqual([
      ['feed/a:v1', 'TagCreated'],
      ['feed/a:v1', 'TagMoved'],
    ]);
    const byType = await feed('?type=TagDeleted,TagCreated');
    expect(byType.events.map((e) => [e.data.repository, e.type])).toEqual([
      ['feed/a', 'TagCreated'],
      ['feed/b', 'TagCreated'],
      ['feed/b', 'TagDeleted'],
    ]);
    expect((await feed('?type=TagMoved&type=TagDeleted')).events.map((e) => e.type)).toEqual(['TagMoved', 'TagDeleted']);
  });

  it('answers a long poll with the event that commits while it waits', async () => {
    const { cursor } = await feed();
    const waiting = feed(`?after=${cursor}&wait=30`);
    await putTag(t.url, 'feed/late', 'v1', 'late');
    const page = await waiting;
    expect(page.events.map((e) => e.stream)).toEqual(['feed/late:v1']);
  });

  it('answers a long poll that times out with no events and the cursor it was given', async () => {
    const { cursor } = await feed();
    expect(await feed(`?after=${cursor}&wait=1`)).toEqual({ events: [], cursor });
  });

  it.each([
    ['?after=nope', 'PARAMETER_INVALID'],
    ['?limit=0', 'PARAMETER_INVALID'],
    ['?limit=-1', 'PARAMETER_INVALID'],
    ['?wait=soon', 'PARAMETER_INVALID'],
    ['?after=MQ&after=Mg', 'PARAMETER_INVALID'],
    ['?type=Tag%20Moved', 'PARAMETER_INVALID'],
    ['?repository=UPPER', 'NAME_INVALID'],
  ])('answers %s with 400 %s', async (query, code) => {
    const res = await fetch(`${t.url}/v2/_events${query}`);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ errors: [{ code }] });
  });
});

describe('GET /v2/_events as Server-Sent Events', () => {
  it('streams the log, then resumes after Last-Event-ID with no repeats, including events that commit while it is open', async () => {
    const total = (await log()).length;
    const firstPart = await readEvents({}, 2);
    expect(firstPart.map((e) => e.event.position)).toEqual([1, 2]);
    expect(firstPart.map((e) => e.id)).toEqual(firstPart.map((e) => e.event.cursor));

    const rest = readEvents({ 'last-event-id': firstPart[1]!.id }, total - 2 + 1);
    await putTag(t.url, 'feed/sse', 'v1', 'sse');
    const resumed = await rest;
    const rows = await log();
    expect([...firstPart, ...resumed].map((e) => e.event.position)).toEqual(rows.map((r) => r.position));
    expect(resumed.at(-1)!.event.stream).toBe('feed/sse:v1');
  });

  it('answers a bad Last-Event-ID with 400 before opening the stream', async () => {
    const res = await fetch(`${t.url}/v2/_events`, { headers: { accept: 'text/event-stream', 'last-event-id': 'x' } });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ errors: [{ code: 'PARAMETER_INVALID' }] });
  });
});
