import { digest, putTag } from '../support/fixtures';
import { startTestApp, type TestApp } from '../support/test-app';

interface End {
  version: number;
  position: number;
  time: string;
  actor: string;
  type: string;
}
interface Timeline {
  name: string;
  cursor: string;
  completeFrom: string | null;
  intervals: { tag: string; digest: string; from: End; to: End | null }[];
}

/** The reads the audit page needs beyond the history API: repositories, a repository's timeline, one event. */
describe('browse endpoints', () => {
  let t: TestApp;
  let now = new Date('2026-03-01T00:00:00.000Z');
  const at = (iso: string) => (now = new Date(iso));
  const get = async <T>(path: string) => {
    const response = await fetch(`${t.url}${path}`);
    return { status: response.status, link: response.headers.get('link'), body: (await response.json()) as T };
  };
  const del = (name: string, tag: string) => fetch(`${t.url}/v2/${name}/_tags/${tag}`, { method: 'DELETE' });

  beforeAll(async () => {
    t = await startTestApp({ clock: () => now });
  });
  afterAll(() => t.close());

  it('lists repositories with the tags they have now and their last change, deletes included', async () => {
    expect((await get('/v2/_repositories')).body).toEqual({ repositories: [] });
    at('2026-03-01T10:00:00Z');
    await putTag(t.url, 'browse/a', 'x', 'a1');
    await putTag(t.url, 'browse/a', 'y', 'a1');
    at('2026-03-02T10:00:00Z');
    await putTag(t.url, 'browse/b', 'x', 'b1');
    at('2026-03-03T10:00:00Z');
    expect((await del('browse/a', 'y')).status).toBe(202);

    const { body } = await get<{ repositories: unknown[] }>('/v2/_repositories');
    expect(body.repositories).toEqual([
      { name: 'browse/a', tags: 1, lastChange: '2026-03-03T10:00:00.000Z' },
      { name: 'browse/b', tags: 1, lastChange: '2026-03-02T10:00:00.000Z' },
    ]);
    expect((await get<{ repositories: { name: string }[] }>('/v2/_repositories?q=%2Fb')).body.repositories.map((r) => r.name)).toEqual(['browse/b']);
  });

  it('pages repositories with a Link header, and refuses bad parameters with the OCI body', async () => {
    const first = await get<{ repositories: { name: string }[] }>('/v2/_repositories?n=1');
    expect(first.body.repositories.map((r) => r.name)).toEqual(['browse/a']);
    expect(first.link).toBe('</v2/_repositories?n=1&last=browse%2Fa>; rel="next"');
    const second = await get<{ repositories: { name: string }[] }>('/v2/_repositories?n=1&last=browse%2Fa');
    expect(second.body.repositories.map((r) => r.name)).toEqual(['browse/b']);
    expect(second.link).toBeNull();
    expect((await get<{ errors: { code: string }[] }>('/v2/_repositories?n=x')).body.errors[0]!.code).toBe('PARAMETER_INVALID');
    expect((await get<{ errors: { code: string }[] }>('/v2/_repositories?last=Not_A_Name')).body.errors[0]!.code).toBe('NAME_INVALID');
  });

  it("answers a repository's intervals with the events that open and close them", async () => {
    at('2026-04-01T00:00:00Z');
    await putTag(t.url, 'browse/t', 'p', 'v1');
    at('2026-04-02T00:00:00Z');
    await putTag(t.url, 'browse/t', 'p', 'v2');
    at('2026-04-03T00:00:00Z');
    await del('browse/t', 'p');
    at('2026-04-04T00:00:00Z');
    await fetch(`${t.url}/v2/browse/t/_tags/p/restore`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ version: 1 }),
    });

    const { status, body } = await get<Timeline>('/v2/browse/t/_timeline');
    expect(status).toBe(200);
    expect(body.completeFrom).toBeNull();
    expect(body.cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(body.intervals.map((i) => [i.digest, i.from.type, i.from.time, i.to?.type ?? null])).toEqual([
      [digest('v1'), 'TagRestored', '2026-04-04T00:00:00.000Z', null],
      [digest('v2'), 'TagMoved', '2026-04-02T00:00:00.000Z', 'TagDeleted'],
      [digest('v1'), 'TagCreated', '2026-04-01T00:00:00.000Z', 'TagMoved'],
    ]);

    // A window keeps the intervals that overlap it.
    const window = await get<Timeline>('/v2/browse/t/_timeline?since=2026-04-02T12:00:00Z&until=2026-04-03T12:00:00Z');
    expect(window.body.intervals.map((i) => i.from.version)).toEqual([2]);
  });

  it('cuts a long timeline to the latest n intervals and says from when it is complete', async () => {
    for (let i = 0; i < 6; i++) {
      at(`2026-05-0${i + 1}T00:00:00Z`);
      await putTag(t.url, 'browse/long', 'a', `l${i}`);
      await putTag(t.url, 'browse/long', 'b', `m${i % 2}`);
    }
    const all = (await get<Timeline>('/v2/browse/long/_timeline')).body.intervals;
    const cut = await get<Timeline>('/v2/browse/long/_timeline?n=3');
    expect(cut.body.intervals).toHaveLength(3);
    const from = Date.parse(cut.body.completeFrom!);
    // Every interval that overlaps [completeFrom, now) is in the cut answer.
    const needed = all.filter((i) => i.to === null || Date.parse(i.to.time) > from);
    expect(cut.body.intervals).toEqual(expect.arrayContaining(needed));
    expect(needed.length).toBeGreaterThan(0);
  });

  it('refuses a timeline of an unknown repository or a bad window', async () => {
    expect((await get<{ errors: { code: string }[] }>('/v2/browse/none/_timeline')).body.errors[0]!.code).toBe('NAME_UNKNOWN');
    const bad = await get<{ errors: { code: string }[] }>('/v2/browse/t/_timeline?since=2026-05-02T00:00:00Z&until=2026-05-01T00:00:00Z');
    expect([bad.status, bad.body.errors[0]!.code]).toEqual([400, 'PARAMETER_INVALID']);
    expect((await get<{ errors: { code: string }[] }>('/v2/browse/t/_timeline?since=yesterday')).status).toBe(400);
  });

  it('answers one event by position with the event before it in its stream', async () => {
    const history = (await get<{ events: { version: number; position: number }[] }>('/v2/browse/t/_tags/p/history')).body.events;
    const second = history.find((e) => e.version === 2)!;
    const first = history.find((e) => e.version === 1)!;
    const { body } = await get<{
      event: { position: number; version: number; jws: string; prev: string };
      previous: { position: number; hash: string } | null;
    }>(`/v2/_events/${second.position}`);
    expect(body.event.position).toBe(second.position);
    expect(body.previous!.position).toBe(first.position);
    expect(body.event.prev).toBe(body.previous!.hash);
    expect((await get<{ previous: unknown }>(`/v2/_events/${first.position}`)).body.previous).toBeNull();
    const missing = await get<{ errors: { code: string }[] }>('/v2/_events/999999');
    expect([missing.status, missing.body.errors[0]!.code]).toEqual([404, 'EVENT_UNKNOWN']);
    expect((await get('/v2/_events/abc')).status).toBe(400);
  });
});
