import Fastify, { type FastifyInstance } from 'fastify';
import { installFastHistory } from '../../apps/api/src/history/tag-history/fast-history';
import { MAX_HISTORY_PAGE } from '../../apps/api/src/history/history-page';
import { rewriteUrl } from '../../apps/api/src/http/rewrite-url';
import { putTag } from '../support/fixtures';
import { onPostgres } from '../support/test-infrastructure';
import { startTestApp, type TestApp } from '../support/test-app';

let t: TestApp;
/** The fast path alone on a bare Fastify, on the same database: what it does not answer reaches the route's handler, which says so. */
let bare: FastifyInstance;
let bareUrl: string;
const FELL_THROUGH = 599;

// A history longer than the largest page: `n=1000` from the newest event still has one more to link to.
const LONG = MAX_HISTORY_PAGE + 2;

beforeAll(async () => {
  t = await startTestApp();
  for (let i = 0; i < LONG; i++) await putTag(t.url, 'fast/long/app', 'v1', `l${i}`);
  await putTag(t.url, 'fast/app', 'prod', 'p1');
  await putTag(t.url, 'fast/app', 'prod', 'p2');
  await fetch(`${t.url}/v2/fast/app/_tags/prod`, { method: 'DELETE' });
  await putTag(t.url, 'fast/app', 'prod', 'p3');
  await fetch(`${t.url}/v2/fast/app/_tags/prod/restore`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"version":2}' });
  await putTag(t.url, 'fast/app', 'prod', 'p4');

  bare = Fastify({ rewriteUrl: (req) => rewriteUrl(req.url ?? '/'), routerOptions: { maxParamLength: 1024 } });
  const { readDb, db, pool } = t.infrastructure;
  installFastHistory(bare, readDb, readDb === db ? pool : undefined);
  bare.get('/v2/:name/_tags/:tag/history', (_request, reply) => reply.code(FELL_THROUGH).send());
  bareUrl = await bare.listen({ port: 0, host: '127.0.0.1' });
}, 300_000);
afterAll(async () => {
  await bare.close();
  await t.close();
});

/** Status, the headers that are not per-request, and the body's bytes. */
async function answer(url: string, init: RequestInit = {}) {
  const res = await fetch(url, init);
  const headers = [...res.headers].filter(([name]) => !['date', 'x-request-id', 'keep-alive', 'connection'].includes(name));
  return { status: res.status, headers, body: Buffer.from(await res.arrayBuffer()).toString('latin1') };
}

// `Tag-History-Min-Position` (any position: every copy of the log has 0) sends the request the ordinary way, through the controller.
const slow = (path: string, init: RequestInit = {}) =>
  answer(`${t.url}${path}`, { ...init, headers: { ...(init.headers as Record<string, string>), 'tag-history-min-position': '0' } });

const ANSWERED = [
  '/v2/fast/long/app/_tags/v1/history',
  `/v2/fast/long/app/_tags/v1/history?n=${MAX_HISTORY_PAGE}`,
  `/v2/fast/long/app/_tags/v1/history?n=${MAX_HISTORY_PAGE + 1}`,
  '/v2/fast/long/app/_tags/v1/history?n=999999',
  '/v2/fast/long/app/_tags/v1/history?n=10',
  '/v2/fast/long/app/_tags/v1/history?n=10&last=500',
  `/v2/fast/long/app/_tags/v1/history?last=${LONG}`,
  '/v2/fast/long/app/_tags/v1/history?n=1&last=3',
  '/v2/fast/long/app/_tags/v1/history?n=0&last=3',
  '/v2/fast/long/app/_tags/v1/history?n=0',
  '/v2/fast/long/app/_tags/v1/history?n=10&last=99999999',
  // Cursors above every version a stream can have (an integer column): the newest page, not a 500.
  '/v2/fast/long/app/_tags/v1/history?n=10&last=2147483648',
  '/v2/fast/long/app/_tags/v1/history?n=10&last=999999999999999',
  '/v2/fast/long/app/_tags/v1/history?n=10&proof=false',
  '/v2/fast/long/app/_tags/v1/history?n=10&other=x',
  '/v2/fast%2Flong%2Fapp/_tags/v1/history?n=3',
  '/v2/fast/app/_tags/prod/history?n=5',
  '/v2/fast/app/_tags/prod/history?n=3&last=6',
];

const FALLING_THROUGH = [
  // Pages that reach the oldest event: whether older ones are archived is the controller's question.
  '/v2/fast/long/app/_tags/v1/history?n=2&last=3',
  '/v2/fast/long/app/_tags/v1/history?n=10&last=1',
  `/v2/fast/long/app/_tags/v1/history?last=${LONG - 1}`,
  '/v2/fast/app/_tags/prod/history',
  '/v2/fast/app/_tags/never/history',
  '/v2/fast/long/app/_tags/v1/history?n=3&proof=true',
  '/v2/fast/long/app/_tags/v1/history?n=-1',
  '/v2/fast/long/app/_tags/v1/history?last=x',
  '/v2/fast/long/app/_tags/v1/history?n=1&n=2',
  '/v2/fast/long/app/_tags/v1/history?proof=maybe',
  '/v2/Fast/app/_tags/prod/history',
  '/v2/fast/app/_tags/.prod/history',
];

describe('history pages answered before Nest', () => {
  it.each(ANSWERED)('answers %s itself, with the bytes the controller answers', async (path) => {
    const controller = await slow(path);
    expect(controller.status).toBe(200);
    expect(await answer(`${bareUrl}${path}`)).toEqual(controller);
    expect(await answer(`${t.url}${path}`)).toEqual(controller);
  });

  it.each(FALLING_THROUGH)('leaves %s to the controller', async (path) => {
    expect((await answer(`${bareUrl}${path}`)).status).toBe(FELL_THROUGH);
    expect(await answer(`${t.url}${path}`)).toEqual(await slow(path));
  });

  it('leaves HEAD and a required log position to the controller', async () => {
    const path = '/v2/fast/long/app/_tags/v1/history?n=3';
    expect((await answer(`${bareUrl}${path}`, { headers: { 'tag-history-min-position': '0' } })).status).toBe(FELL_THROUGH);
    expect((await answer(`${bareUrl}${path}`, { method: 'HEAD' })).status).toBe(FELL_THROUGH);
    const head = await answer(`${t.url}${path}`, { method: 'HEAD' });
    expect(head).toEqual(await slow(path, { method: 'HEAD' }));
    expect(head.status).toBe(200);
    const bad = await answer(`${t.url}${path}`, { headers: { 'tag-history-min-position': 'x' } });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body).errors[0].code).toBe('PARAMETER_INVALID');
  });

  it('pages through a whole history with the Link it gives, the same pages as the controller', async () => {
    let path: string | undefined = '/v2/fast/long/app/_tags/v1/history?n=300';
    let events = 0;
    while (path) {
      const page = await answer(`${t.url}${path}`);
      expect(page).toEqual(await slow(path));
      events += JSON.parse(page.body).events.length;
      path = /^<([^>]+)>; rel="next"$/.exec(page.headers.find(([name]) => name === 'link')?.[1] ?? '')?.[1];
    }
    expect(events).toBe(LONG);
  });

  it('answers a cursor above every version as no cursor on every history route, with or without proofs', async () => {
    for (const route of ['/v2/fast/long/app/_tags/v1/history?n=2&proof=true', '/v2/fast/long/app/_oci/tag-history/v1?n=2']) {
      const newest = await slow(route);
      expect(newest.status).toBe(200);
      for (const last of ['2147483647', '2147483648', '999999999999999']) expect([last, await slow(`${route}&last=${last}`)]).toEqual([last, newest]);
    }
  });

  (onPostgres ? it : it.skip)(
    'answers a failed select with the error the controller gives, without running it again',
    async () => {
      // Every connection of the pool taken: a select waits for one until the pool's timeout (5 s), then fails.
      const held = await Promise.all(Array.from({ length: t.infrastructure.pool!.options.max }, () => t.infrastructure.pool!.connect()));
      try {
        const path = '/v2/fast/long/app/_tags/v1/history?n=3';
        const controller = await slow(path);
        const started = Date.now();
        const fast = await answer(`${t.url}${path}`);
        const waited = Date.now() - started;
        expect(fast).toEqual(controller);
        expect(fast.status).toBe(503);
        // One wait for a connection, not a second one in the controller after the first ran out.
        expect(waited).toBeLessThan(8_000);
      } finally {
        held.forEach((client) => client.release());
      }
    },
    30_000,
  );
});
