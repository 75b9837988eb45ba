import { TAG_MEDIA_TYPE } from '@tag-history/domain';
import { TokenVerifier } from '../../apps/api/src/auth/token-verifier';
import { TrustPolicy } from '../../apps/api/src/auth/trust-policy';
import { PolicyRunner } from '../../apps/api/src/policies/run-policies/policy-runner';
import { digest, putTag, tagObject, target } from '../support/fixtures';
import { startTestApp, type TestApp } from '../support/test-app';
import { catalog, createTokenIssuer, pull, push, type TokenIssuer } from '../support/token-issuer';

jest.setTimeout(120_000);
// Runs are started by the tests, never by the schedule, so that the injected clock decides alone.
process.env.POLICY_RUN_INTERVAL = 'PT0S';

// Response bodies are checked by the assertions themselves.
type Body = any;
const day = 86_400_000;
const t0 = new Date('2026-03-01T00:00:00Z');
let now = t0;
let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ clock: () => now });
});
afterAll(() => t.close());

const request = async (path: string, init: RequestInit = {}): Promise<{ status: number; body: Body; headers: Headers }> => {
  const res = await fetch(`${t.url}${path}`, init);
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : null, headers: res.headers };
};
const putPolicy = (id: string, policy: unknown, headers: Record<string, string> = {}) =>
  request(`/v2/_policies/${id}`, { method: 'PUT', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(policy) });
const eventCount = async () =>
  Number(
    (
      await t.infrastructure.db
        .selectFrom('events')
        .select((eb) => eb.fn.countAll().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
const history = async (name: string, tag: string): Promise<Body[]> => (await request(`/v2/${name}/_tags/${tag}/history`)).body.events;
const current = async (name: string, tag: string): Promise<string | null> => {
  const res = await request(`/v2/${name}/_tags/${tag}`);
  return res.status === 200 ? res.body.target.digest : null;
};
const put = (name: string, tag: string, seed: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}) =>
  fetch(`${t.url}/v2/${name}/_tags/${tag}`, {
    method: 'PUT',
    headers: { 'content-type': TAG_MEDIA_TYPE, ...headers },
    body: JSON.stringify({ ...tagObject(name, tag, seed), ...extra }),
  });

describe('bad policies', () => {
  it.each([
    ['an unknown rule', { repositories: '**', tags: '*', rule: 'frozen' }],
    ['a bad repository glob', { repositories: 'team/[a-z]*', tags: '*', rule: 'immutable' }],
    ['a bad tag glob', { repositories: '**', tags: 'v/1', rule: 'immutable' }],
    ['a bad duration', { repositories: '**', tags: 'pr-*', rule: 'expire', after: '7 days' }],
    ['a duration in months', { repositories: '**', tags: 'pr-*', rule: 'expire', after: 'P1M' }],
    ['a missing duration', { repositories: '**', tags: 'pr-*', rule: 'expire' }],
    ['a missing keep', { repositories: '**', tags: 'nightly-*', rule: 'retain', sort: 'pushed' }],
    ['a missing glob', { tags: '*', rule: 'immutable' }],
    ['an unknown field', { repositories: '**', tags: '*', rule: 'immutable', after: 'P1D' }],
    ['not an object', ['immutable']],
  ])('refuses %s with 400 BODY_INVALID and stores nothing', async (_what, policy) => {
    const before = await eventCount();
    const res = await putPolicy('bad', policy);
    expect(res.status).toBe(400);
    expect(res.body.errors[0].code).toBe('BODY_INVALID');
    expect(await eventCount()).toBe(before);
    expect((await request('/v2/_policies/bad')).status).toBe(404);
    expect((await request('/v2/_policies')).body.policies.map((p: Body) => p.id)).not.toContain('bad');
  });

  it('refuses a bad policy id and a bad If-Match', async () => {
    expect((await putPolicy('Bad_Id', { repositories: '**', tags: '*', rule: 'immutable' })).body.errors[0].code).toBe('PARAMETER_INVALID');
    expect((await putPolicy('ok', { repositories: '**', tags: '*', rule: 'immutable' }, { 'if-match': 'x' })).status).toBe(400);
    expect((await request('/v2/_policies/ok')).status).toBe(404);
  });
});

describe('policy changes as signed history', () => {
  it('are answered like tag writes and visible in the policy, its history, the audit and the feed', async () => {
    const created = await putPolicy('web-releases', { repositories: 'shop/web', tags: 'v*', rule: 'immutable' });
    expect(created.status).toBe(201);
    expect(created.headers.get('etag')).toBe('"1"');
    expect(created.body).toMatchObject({ id: 'web-releases', version: 1, policy: { repositories: 'shop/web', tags: 'v*', rule: 'immutable' } });

    const again = await putPolicy('web-releases', { rule: 'immutable', tags: 'v*', repositories: 'shop/web' });
    expect(again.status).toBe(200);
    expect(again.body.events).toEqual([]);

    expect((await putPolicy('web-releases', { repositories: 'shop/**', tags: 'v*', rule: 'immutable' }, { 'if-match': '"7"' })).status).toBe(412);
    const changed = await putPolicy('web-releases', { repositories: 'shop/**', tags: 'v*', rule: 'immutable' }, { 'if-match': '"1"' });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).toBe('"2"');
    expect((await request('/v2/_policies?repository=shop/api&tag=v2')).body.policies.map((p: Body) => p.id)).toEqual(['web-releases']);
    expect((await request('/v2/_policies?tag=latest')).body.policies).toEqual([]);

    expect((await request('/v2/_policies/web-releases', { method: 'DELETE', headers: { 'if-match': '"1"' } })).status).toBe(412);
    const deleted = await request('/v2/_policies/web-releases', { method: 'DELETE', headers: { 'if-match': '"2"' } });
    expect(deleted.status).toBe(200);
    expect(deleted.body.policy).toBeNull();
    expect((await request('/v2/_policies/web-releases', { method: 'DELETE' })).body.errors[0].code).toBe('POLICY_UNKNOWN');

    const read = await request('/v2/_policies/web-releases');
    expect(read.status).toBe(200);
    expect(read.body.policy).toBeNull();
    expect(read.body.history.map((e: Body) => [e.type, e.version, e.actor])).toEqual([
      ['PolicyCreated', 1, 'anonymous'],
      ['PolicyChanged', 2, 'anonymous'],
      ['PolicyDeleted', 3, 'anonymous'],
    ]);
    expect(read.body.history[1].data).toEqual({
      id: 'web-releases',
      from: { repositories: 'shop/web', tags: 'v*', rule: 'immutable' },
      policy: { repositories: 'shop/**', tags: 'v*', rule: 'immutable' },
    });
    expect((await request('/v2/_policies')).body.policies.map((p: Body) => p.id)).not.toContain('web-releases');

    const audit = (await request('/v2/_audit?type=PolicyChanged')).body.events;
    expect(audit).toEqual([expect.objectContaining({ stream: '_policies/web-releases', version: 2, actor: 'anonymous', type: 'PolicyChanged' })]);
    const feed = (await request('/v2/_events?type=PolicyCreated,PolicyChanged,PolicyDeleted')).body.events.filter((e: Body) => e.data.id === 'web-releases');
    expect(feed.map((e: Body) => [e.type, e.actor, e.jws.split('.').length])).toEqual([
      ['PolicyCreated', 'anonymous', 3],
      ['PolicyChanged', 'anonymous', 3],
      ['PolicyDeleted', 'anonymous', 3],
    ]);
  });
});

describe('immutable', () => {
  it('refuses every one of 32 concurrent movers, and a delete, a restore and a batch; stores nothing', async () => {
    expect((await putTag(t.url, 'shop/api', 'v1.0', 'first')).status).toBe(201);
    expect((await putPolicy('api-releases', { repositories: 'shop/*', tags: 'v*', rule: 'immutable' })).status).toBe(201);
    const before = await eventCount();
    const movers = await Promise.all(Array.from({ length: 32 }, (_, i) => putTag(t.url, 'shop/api', 'v1.0', `mover-${i}`)));
    const answers = await Promise.all(movers.map(async (r) => [r.status, ((await r.json()) as Body).errors[0]]));
    for (const [status, error] of answers) {
      expect(status).toBe(409);
      expect(error.code).toBe('TAG_IMMUTABLE');
      expect(error.detail.policy).toBe('api-releases');
    }
    expect((await request('/v2/shop/api/_tags/v1.0', { method: 'DELETE' })).body.errors[0].code).toBe('TAG_IMMUTABLE');
    const restore = await request('/v2/shop/api/_tags/v1.0/restore', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ version: 1 }),
    });
    expect(restore.status).toBe(200); // the current target: nothing to restore, nothing refused
    const batch = await request('/v2/_batch', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        operations: [
          { op: 'create', name: 'shop/api', tag: 'other', target: target('x') },
          { op: 'move', name: 'shop/api', tag: 'v1.0', target: target('y') },
        ],
      }),
    });
    expect(batch.status).toBe(409);
    expect(batch.body.errors[0]).toMatchObject({ code: 'TAG_IMMUTABLE', detail: { index: 1 } });
    expect(await eventCount()).toBe(before);
    expect(await current('shop/api', 'v1.0')).toBe(digest('first'));
    expect((await history('shop/api', 'v1.0')).map((e: Body) => e.type)).toEqual(['TagCreated']);
    expect((await putTag(t.url, 'shop/api', 'v1.0', 'first')).status).toBe(200);
    expect((await putTag(t.url, 'shop/api', 'v2.0', 'second')).status).toBe(201);
  });
});

describe('policies kept in memory', () => {
  // A second app on the same database: its PolicyBook learns of changes made through `t` only when the
  // database refuses a round decided under the policies it remembers.
  let other: { app: { close(): Promise<void> }; url: string };
  beforeAll(async () => {
    const { createApp } = await import('../../apps/api/src/create-app');
    const app = await createApp(t.infrastructure, { clock: () => now, logger: false });
    await app.listen(0, '127.0.0.1');
    other = { app, url: `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}` };
  });
  afterAll(() => other.app.close());

  it('a policy set through one instance binds the next write of another, and its removal frees it', async () => {
    expect((await putTag(other.url, 'mem/app', 'v1', 'first')).status).toBe(201);
    expect((await putPolicy('mem-releases', { repositories: 'mem/*', tags: 'v*', rule: 'immutable' })).status).toBe(201);
    const refused = await putTag(other.url, 'mem/app', 'v1', 'second');
    expect(refused.status).toBe(409);
    expect(((await refused.json()) as Body).errors[0]).toMatchObject({ code: 'TAG_IMMUTABLE', detail: { policy: 'mem-releases' } });
    const batch = await fetch(`${other.url}/v2/_batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ operations: [{ op: 'move', name: 'mem/app', tag: 'v1', target: target('third') }] }),
    });
    expect(batch.status).toBe(409);
    expect(await current('mem/app', 'v1')).toBe(digest('first'));
    expect((await request('/v2/_policies/mem-releases', { method: 'DELETE' })).status).toBe(200);
    expect((await putTag(other.url, 'mem/app', 'v1', 'second')).status).toBe(200);
  });

  it('no move decided under the old policies lands after a new one, while 48 movers race the change', async () => {
    for (let i = 0; i < 48; i++) expect((await putTag(other.url, 'race/app', `v${i}`, `first-${i}`)).status).toBe(201);
    const movers = Array.from({ length: 48 }, (_, i) => putTag(other.url, 'race/app', `v${i}`, `second-${i}`));
    const policy = await putPolicy('race-releases', { repositories: 'race/*', tags: 'v*', rule: 'immutable' });
    expect(policy.status).toBe(201);
    const statuses = await Promise.all(
      movers.map(async (answer) => {
        const r = await answer;
        return [r.status, r.status === 409 ? ((await r.json()) as Body).errors[0].code : null] as const;
      }),
    );
    for (const [status, code] of statuses) {
      expect([200, 409]).toContain(status);
      if (status === 409) expect(code).toBe('TAG_IMMUTABLE');
    }
    const events = await t.infrastructure.db
      .selectFrom('events')
      .select(['position', 'type', 'stream_id'])
      .where((eb) => eb.or([eb('stream_id', 'like', 'race/app:%'), eb('type', '=', 'PolicyCreated')]))
      .orderBy('position')
      .execute();
    const created = events.filter((e) => e.type === 'PolicyCreated').at(-1)!;
    const moves = events.filter((e) => e.type === 'TagMoved');
    expect(moves.length).toBe(statuses.filter(([status]) => status === 200).length);
    for (const move of moves) expect(Number(move.position)).toBeLessThan(Number(created.position));
    expect((await request('/v2/_policies/race-releases', { method: 'DELETE' })).status).toBe(200);
  });
});

describe('protected', () => {
  it('needs If-Match for moves and deletes', async () => {
    expect((await putPolicy('prod', { repositories: '**', tags: 'prod', rule: 'protected' })).status).toBe(201);
    expect((await putTag(t.url, 'shop/web', 'prod', 'a')).status).toBe(201);
    const blind = await putTag(t.url, 'shop/web', 'prod', 'b');
    expect(blind.status).toBe(428);
    expect(((await blind.json()) as Body).errors[0]).toMatchObject({ code: 'PRECONDITION_REQUIRED', detail: { policy: 'prod' } });
    expect((await request('/v2/shop/web/_tags/prod', { method: 'DELETE' })).status).toBe(428);
    expect((await putTag(t.url, 'shop/web', 'prod', 'b', { 'if-match': '"1"' })).status).toBe(200);
    expect((await putTag(t.url, 'shop/web', 'prod', 'b')).status).toBe(200);
    const restore = await request('/v2/shop/web/_tags/prod/restore', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ version: 1 }),
    });
    expect(restore.status).toBe(428);
    expect((await request('/v2/shop/web/_tags/prod', { method: 'DELETE', headers: { 'if-match': '"2"' } })).status).toBe(202);
  });
});

describe('expire and retain', () => {
  it('retain: the preview is exactly what the run deletes', async () => {
    now = new Date(t0.getTime() + 1 * day);
    expect((await putPolicy('nightly', { repositories: 'shop/*', tags: 'nightly-*', rule: 'retain', keep: 20, sort: 'pushed' })).status).toBe(201);
    for (const repository of ['shop/app', 'shop/tools']) {
      for (let i = 1; i <= 24; i++) {
        now = new Date(now.getTime() + 60_000);
        expect((await putTag(t.url, repository, `nightly-${String(i).padStart(2, '0')}`, `${repository}-${i}`)).status).toBe(201);
      }
    }
    const preview = await request('/v2/_policies/nightly/preview');
    expect(preview.status).toBe(200);
    expect(preview.body.deletes.map((d: Body) => `${d.name}:${d.tag}@${d.version}`)).toEqual(
      ['shop/app', 'shop/tools'].flatMap((r) => ['01', '02', '03', '04'].map((n) => `${r}:nightly-${n}@1`)),
    );
    const run = await request('/v2/_policies/_run', { method: 'POST' });
    expect(run.status).toBe(200);
    expect(run.body.deleted).toEqual(preview.body.deletes);
    expect(run.body.kept).toEqual([]);
    expect((await request('/v2/_policies/nightly/preview')).body.deletes).toEqual([]);
    const tags = (await request('/v2/shop/app/tags/list')).body.tags.filter((name: string) => name.startsWith('nightly-'));
    expect(tags).toHaveLength(20);
    const [deleted] = (await history('shop/app', 'nightly-01')).slice(0, 1);
    expect(deleted).toMatchObject({ type: 'TagDeleted', actor: 'policy:nightly' });
    const audit = (await request('/v2/_audit?actor=policy:nightly&repository=shop/app&tag=nightly-01')).body.events;
    expect(audit[0].data.policy).toEqual({ id: 'nightly', version: 1, rule: 'retain' });
  });

  it('expire: deletes what the preview said, but keeps a tag moved after the decision', async () => {
    now = new Date(t0.getTime() + 10 * day);
    expect((await putPolicy('pr', { repositories: '**', tags: 'pr-*', rule: 'expire', after: 'P7D' })).status).toBe(201);
    for (const tag of ['pr-1', 'pr-2', 'pr-3']) expect((await putTag(t.url, 'shop/web', tag, tag)).status).toBe(201);
    const expiresAt = new Date(now.getTime() + 2 * day).toISOString();
    expect((await put('shop/web', 'scratch', 'scratch', { expiresAt })).status).toBe(201);
    expect((await put('shop/web', 'bad', 'bad', { expiresAt: 'tomorrow' })).status).toBe(400);
    now = new Date(now.getTime() + 3 * day);
    expect((await putTag(t.url, 'shop/web', 'pr-3', 'pr-3-again')).status).toBe(200);

    now = new Date(now.getTime() + 5 * day);
    const preview = (await request('/v2/_policies/pr/preview')).body.deletes;
    expect(preview.map((d: Body) => d.tag)).toEqual(['pr-1', 'pr-2']);
    const runner = t.app.get(PolicyRunner);
    const plan = await runner.plan();
    expect(plan.deletes.map((d) => `${d.tag} ${'id' in d.cause ? d.cause.id : d.cause.rule}`)).toEqual(['pr-1 pr', 'pr-2 pr', 'scratch expiresAt']);
    // Someone moves pr-2 between the decision and the deletes.
    expect((await putTag(t.url, 'shop/web', 'pr-2', 'pr-2-fix')).status).toBe(200);
    const result = await runner.leased(() => runner.execute(plan));
    expect(result.deleted.map((d) => d.tag)).toEqual(['pr-1', 'scratch']);
    expect(result.kept).toEqual([expect.objectContaining({ tag: 'pr-2', version: 1, code: 'PRECONDITION_FAILED' })]);

    expect(await current('shop/web', 'pr-2')).toBe(digest('pr-2-fix'));
    expect((await history('shop/web', 'pr-2')).map((e: Body) => e.type)).toEqual(['TagMoved', 'TagCreated']);
    expect(await current('shop/web', 'pr-1')).toBeNull();
    expect(await current('shop/web', 'pr-3')).toBe(digest('pr-3-again'));
    const [expired] = await history('shop/web', 'scratch');
    expect(expired).toMatchObject({ type: 'TagDeleted', actor: 'policy:expiresAt' });
    const feed = (await request('/v2/_events?type=TagDeleted&repository=shop/web')).body.events.filter((e: Body) => e.actor.startsWith('policy:'));
    // The run's deletes are separate writes that may commit in either order: compared by tag.
    const byTag = (a: Body, b: Body) => String(a.data.tag).localeCompare(String(b.data.tag));
    expect([...feed].sort(byTag).map((e: Body) => [e.data.tag, e.actor, e.data.policy])).toEqual([
      ['pr-1', 'policy:pr', { id: 'pr', version: 1, rule: 'expire' }],
      ['scratch', 'policy:expiresAt', { rule: 'expiresAt', expiresAt }],
    ]);
  });

  it('lets one instance run at a time; a lease left by a crashed one runs out', async () => {
    await t.infrastructure.db
      .insertInto('policy_run_leases')
      .values({ name: 'cleanup', holder: 'crashed-instance', lease_until: new Date(now.getTime() + 60_000) })
      .execute();
    const refused = await request('/v2/_policies/_run', { method: 'POST' });
    expect(refused.status).toBe(409);
    expect(refused.body.errors[0].code).toBe('CONFLICT');
    now = new Date(now.getTime() + 61_000);
    expect((await request('/v2/_policies/_run', { method: 'POST' })).status).toBe(200);
    expect(await t.infrastructure.db.selectFrom('policy_run_leases').selectAll().execute()).toEqual([]);
  });

  it('is projected again by a rebuild, row for row', async () => {
    const { checkProjections } = await import('@tag-history/projections');
    const check = await checkProjections(t.infrastructure.db);
    expect(check.differences).toEqual([]);
    expect(
      Number(
        (
          await t.infrastructure.db
            .selectFrom('policies')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      ),
    ).toBe(4);
  });
});

describe('with authentication', () => {
  let a: TestApp;
  let issuer: TokenIssuer;
  beforeAll(async () => {
    issuer = await createTokenIssuer();
    a = await startTestApp({ access: { tokens: TokenVerifier.open(issuer.config), trust: TrustPolicy.empty } });
  });
  afterAll(() => a.close());

  it('only an administrator changes policies; anyone with a token reads them', async () => {
    const policy = JSON.stringify({ repositories: 'team/*', tags: 'v*', rule: 'immutable' });
    const write = async (token: string) =>
      fetch(`${a.url}/v2/_policies/releases`, {
        method: 'PUT',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: policy,
      });
    expect((await write(await issuer.mint([push('team/app')]))).status).toBe(403);
    expect((await fetch(`${a.url}/v2/_policies/releases`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: policy })).status).toBe(401);
    expect((await write(await issuer.mint([catalog], {}, 'release-manager'))).status).toBe(201);
    const reader = { authorization: `Bearer ${await issuer.mint([pull('team/app')], {}, 'dev')}` };
    const read = await fetch(`${a.url}/v2/_policies/releases`, { headers: reader });
    expect(read.status).toBe(200);
    expect(((await read.json()) as Body).history[0].actor).toBe('release-manager');
    expect((await fetch(`${a.url}/v2/_policies`, { headers: reader })).status).toBe(200);
    expect((await fetch(`${a.url}/v2/_policies/releases`, { method: 'DELETE', headers: reader })).status).toBe(403);
  });
});

describe('the schedule', () => {
  it('runs on its own after a restart, deciding on the log as it is', async () => {
    const { createApp } = await import('../../apps/api/src/create-app');
    const { createTestInfrastructure } = await import('../support/test-infrastructure');
    const infrastructure = await createTestInfrastructure();
    let clock = new Date('2026-05-01T00:00:00Z');
    const start = async () => {
      const app = await createApp(infrastructure, { clock: () => clock, logger: false });
      await app.listen(0, '127.0.0.1');
      return { app, url: `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}` };
    };
    try {
      const first = await start();
      const policy = JSON.stringify({ repositories: '**', tags: 'pr-*', rule: 'expire', after: 'P7D' });
      expect((await fetch(`${first.url}/v2/_policies/pr`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: policy })).status).toBe(201);
      expect((await putTag(first.url, 'ci/app', 'pr-9', 'pr-9')).status).toBe(201);
      await first.app.close();

      clock = new Date(clock.getTime() + 8 * day);
      process.env.POLICY_RUN_INTERVAL = 'PT0.2S';
      const second = await start().finally(() => (process.env.POLICY_RUN_INTERVAL = 'PT0S'));
      try {
        const deadline = Date.now() + 30_000;
        let events: Body[] = [];
        while (Date.now() < deadline && events[0]?.type !== 'TagDeleted') {
          await new Promise((resolve) => setTimeout(resolve, 200));
          events = ((await (await fetch(`${second.url}/v2/ci/app/_tags/pr-9/history`)).json()) as Body).events;
        }
        expect(events.map((e: Body) => [e.type, e.actor])).toEqual([
          ['TagDeleted', 'policy:pr'],
          ['TagCreated', 'anonymous'],
        ]);
      } finally {
        await second.app.close();
      }
    } finally {
      await infrastructure.close();
    }
  });
});
