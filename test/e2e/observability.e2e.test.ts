import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { TAG_MEDIA_TYPE } from '@tag-history/domain';
import { TokenVerifier } from '../../apps/api/src/auth/token-verifier';
import { TrustPolicy } from '../../apps/api/src/auth/trust-policy';
import { createApp } from '../../apps/api/src/create-app';
import { createLogger } from '../../apps/api/src/observability/logger';
import { digest, MANIFEST_MEDIA_TYPE } from '../support/fixtures';
import { readEventStream } from '../support/follow-feed';
import { createTestInfrastructure, type TestInfrastructure } from '../support/test-infrastructure';
import { catalog, createTokenIssuer } from '../support/token-issuer';

// Secrets that reach the service and must never reach its log.
const CALLER_TOKEN = 'caller-bearer-token-6b1f0c';
const NOTIFICATIONS_TOKEN = 'notifications-secret-93d4aa';
const REGISTRY_PASSWORD = 'registry-password-5e77c2';
const METRICS_TOKEN = 'metrics-token-0f42d9';

interface Served {
  url: string;
  app: NestFastifyApplication;
  infrastructure: TestInfrastructure;
}

async function serve(options: Parameters<typeof createApp>[1]): Promise<Served> {
  const infrastructure = await createTestInfrastructure();
  const app = await createApp(infrastructure, options);
  await app.listen(0, '127.0.0.1');
  return { url: `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`, app, infrastructure };
}

async function stop(s: Served | undefined): Promise<void> {
  await s?.app.close();
  await s?.infrastructure.close();
}

const put = (url: string, name: string, tag: string, headers: Record<string, string> = {}) =>
  fetch(`${url}/v2/${name}/_tags/${tag}`, {
    method: 'PUT',
    headers: { 'content-type': TAG_MEDIA_TYPE, ...headers },
    body: JSON.stringify({ name, tag, target: { mediaType: MANIFEST_MEDIA_TYPE, size: 1, digest: digest(`${name}:${tag}:${Math.random()}`) } }),
  });

async function metrics(url: string, headers: Record<string, string> = {}): Promise<string> {
  const res = await fetch(`${url}/metrics`, { headers });
  expect(res.status).toBe(200);
  return res.text();
}

/** The value of one sample line, e.g. `tag_history_log_head_position` or `x{kind="sse"}`. */
function sample(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

async function eventually(what: string, check: () => Promise<boolean>): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`never: ${what}`);
}

describe('metrics and logs, without authentication', () => {
  const lines: Record<string, unknown>[] = [];
  let raw = '';
  let s: Served;
  let down: Server;
  beforeAll(async () => {
    // A watched registry that answers 503 to everything: its checks wait in the queue.
    down = createServer((_req, res) => res.writeHead(503).end()).listen(0, '127.0.0.1');
    await new Promise((r) => down.once('listening', r));
    const registryHost = `127.0.0.1:${(down.address() as { port: number }).port}`;
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        raw += chunk.toString();
        for (const line of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(line) as Record<string, unknown>);
        done();
      },
    });
    const registry = {
      url: `http://${registryHost}`,
      host: registryHost,
      username: 'reader',
      password: REGISTRY_PASSWORD,
      notificationsToken: NOTIFICATIONS_TOKEN,
      reconcileIntervalMs: 0,
      checkDelayMs: 200,
      checkAttempts: 8,
    };
    s = await serve({ logger: createLogger('info', sink), registry });
    // PGlite migrates in-process: slow on a loaded machine.
  }, 180_000);
  afterAll(async () => {
    await stop(s);
    down.closeAllConnections();
    await new Promise((r) => down.close(r));
  });

  it("echoes the caller's X-Request-Id and writes one JSON line for the request with it", async () => {
    const res = await put(s.url, 'obs/app', 'latest', { 'x-request-id': 'req-42', authorization: `Bearer ${CALLER_TOKEN}` });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-request-id')).toBe('req-42');
    const mine = lines.filter((l) => l.requestId === 'req-42');
    expect(mine).toEqual([
      expect.objectContaining({ msg: 'request', method: 'PUT', route: '/v2/:name/_tags/:tag', status: 201, url: '/v2/obs/app/_tags/latest', level: 30 }),
    ]);
    expect(typeof mine[0]!.ms).toBe('number');
  });

  it('makes up an id when the caller sends none or one that is not printable and short', async () => {
    const none = await fetch(`${s.url}/v2/obs/app/_tags/latest`);
    const generated = none.headers.get('x-request-id')!;
    expect(generated).toMatch(/^[0-9a-f-]{36}$/);
    const long = await fetch(`${s.url}/v2/obs/app/_tags/latest`, { headers: { 'x-request-id': 'x'.repeat(129) } });
    expect(long.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(lines.filter((l) => l.requestId === generated && l.msg === 'request')).toHaveLength(1);
  });

  it('serves the Prometheus text format: requests by route, method and status, appends, the log head and the process', async () => {
    const res = await fetch(`${s.url}/metrics`);
    expect(res.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8');
    const text = await res.text();
    expect(sample(text, 'http_request_duration_seconds_count{route="/v2/:name/_tags/:tag",method="PUT",status="201"}')).toBe(1);
    expect(sample(text, 'http_request_duration_seconds_count{route="/v2/:name/_tags/:tag",method="GET",status="200"}')).toBe(2);
    expect(sample(text, 'tag_history_appended_events_total')).toBe(1);
    expect(sample(text, 'tag_history_append_rounds_total{outcome="appended"}')).toBe(1);
    expect(sample(text, 'tag_history_append_batch_operations_count')).toBe(1);
    expect(sample(text, 'tag_history_append_commit_duration_seconds_count')).toBe(1);
    expect(sample(text, 'tag_history_append_lock_wait_seconds_count')).toBe(1);
    expect(sample(text, 'tag_history_log_head_position')).toBe(1);
    expect(sample(text, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(text).toContain('# TYPE nodejs_eventloop_lag_seconds gauge');
  });

  it('counts a batch as one round of its operations', async () => {
    const operations = Array.from({ length: 5 }, (_, i) => ({
      op: 'create',
      name: 'obs/batch',
      tag: `t${i}`,
      target: { mediaType: MANIFEST_MEDIA_TYPE, size: 1, digest: digest(`b${i}`) },
    }));
    const res = await fetch(`${s.url}/v2/_batch`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ operations }) });
    expect(res.status).toBe(200);
    const text = await metrics(s.url);
    expect(sample(text, 'tag_history_append_batch_operations_bucket{le="4"}')).toBe(1);
    expect(sample(text, 'tag_history_append_batch_operations_bucket{le="8"}')).toBe(2);
    expect(sample(text, 'tag_history_log_head_position')).toBe(6);
    // This instance's own commits are in its tag cache before their writers are answered.
    expect(sample(text, 'tag_history_tag_cache_position')).toBe(6);
  });

  it('counts long-poll and event-stream subscribers, and measures the delay of what they waited for', async () => {
    const { cursor } = (await (await fetch(`${s.url}/v2/_events?limit=1000`)).json()) as { cursor: string };
    const poll = fetch(`${s.url}/v2/_events?after=${cursor}&wait=30`).then((r) => r.json() as Promise<{ events: unknown[] }>);
    // node:http without an agent (readEventStream): fetch would keep a socket that holds the server's close.
    let streamed = 0;
    const sse = readEventStream(s.url, cursor, () => (++streamed, false));
    await eventually('both subscribers counted', async () => {
      const text = await metrics(s.url);
      return sample(text, 'tag_history_feed_subscribers{kind="longpoll"}') === 1 && sample(text, 'tag_history_feed_subscribers{kind="sse"}') === 1;
    });
    expect((await put(s.url, 'obs/app', 'feed')).status).toBe(201);
    expect((await poll).events).toHaveLength(1);
    await sse;
    expect(streamed).toBe(1);
    await eventually('the long-poll delay measured, the subscribers gone', async () => {
      const text = await metrics(s.url);
      return (
        sample(text, 'tag_history_feed_delay_seconds_count{kind="longpoll"}') === 1 &&
        sample(text, 'tag_history_feed_delay_seconds_count{kind="sse"}') === 1 &&
        sample(text, 'tag_history_feed_subscribers{kind="longpoll"}') === 0 &&
        sample(text, 'tag_history_feed_subscribers{kind="sse"}') === 0
      );
    });
  });

  it("shows the registry watcher's queue depth and lag", async () => {
    const body = readFileSync(join(__dirname, '../fixtures/distribution-2.8.2-notifications/03-push-latest-A__push-manifest-latest.json'));
    const res = await fetch(`${s.url}/v2/_notifications/distribution`, {
      method: 'POST',
      headers: { 'content-type': 'application/vnd.docker.distribution.events.v1+json', authorization: `Bearer ${NOTIFICATIONS_TOKEN}` },
      body,
    });
    expect(res.status).toBe(202);
    // The registry answers 503: the check stays queued, and ages.
    const text = await metrics(s.url);
    expect(sample(text, 'tag_history_registry_queue_depth')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'tag_history_registry_lag_seconds')).toBeGreaterThanOrEqual(0);
    expect(text).toContain('# HELP tag_history_registry_lag_seconds');
  });

  it('never logs a token, a password or a notification secret', async () => {
    // A failing request logs at error level with whatever Nest adds; the request line itself is there too.
    await fetch(`${s.url}/v2/obs/app/_tags/latest`, { headers: { authorization: `Basic ${Buffer.from(`reader:${REGISTRY_PASSWORD}`).toString('base64')}` } });
    createLogger('info', new Writable({ write: (c: Buffer, _e, d) => ((raw += c.toString()), d()) })).info(
      { registry: { password: REGISTRY_PASSWORD, notificationsToken: NOTIFICATIONS_TOKEN } },
      'config',
    );
    expect(lines.length).toBeGreaterThan(5);
    for (const secret of [CALLER_TOKEN, NOTIFICATIONS_TOKEN, REGISTRY_PASSWORD, Buffer.from(`reader:${REGISTRY_PASSWORD}`).toString('base64')])
      expect(raw).not.toContain(secret);
    expect(raw).toContain('[redacted]');
  });
});

describe('GET /metrics with authentication on', () => {
  let s: Served;
  let jwt: string;
  beforeAll(async () => {
    const issuer = await createTokenIssuer();
    jwt = await issuer.mint([catalog]);
    s = await serve({ logger: false, access: { tokens: TokenVerifier.open(issuer.config), trust: TrustPolicy.empty }, metricsToken: METRICS_TOKEN });
  }, 180_000);
  afterAll(() => stop(s));

  it('answers only Authorization: Bearer <METRICS_TOKEN>', async () => {
    for (const headers of [
      {} as Record<string, string>,
      { authorization: `Bearer ${jwt}` },
      { authorization: 'Bearer wrong' },
      { authorization: `Basic ${METRICS_TOKEN}` },
    ]) {
      const res = await fetch(`${s.url}/metrics`, { headers });
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({
        errors: [expect.objectContaining({ code: 'UNAUTHORIZED', message: 'metrics need Authorization: Bearer <METRICS_TOKEN>' })],
      });
    }
    expect(await metrics(s.url, { authorization: `Bearer ${METRICS_TOKEN}` })).toContain('# TYPE http_request_duration_seconds histogram');
  });
});
