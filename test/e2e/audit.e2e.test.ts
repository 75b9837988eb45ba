import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventJson as AuditEvent } from '@tag-history/event-store';
import { sql } from 'kysely';
import { verifyExportCommand } from '../../apps/cli/src/verify-export.command';
import { digest, putTag } from '../support/fixtures';
import { startTestApp, type TestApp } from '../support/test-app';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
  await putTag(t.url, 'shop/web', 'prod', 'p1');
  await putTag(t.url, 'shop/web', 'prod', 'p2');
  await putTag(t.url, 'shop/web', 'dev', 'd1');
  await putTag(t.url, 'shop/api', 'prod', 'a1');
  await fetch(`${t.url}/v2/shop/web/_tags/dev`, { method: 'DELETE' });
});
afterAll(() => t.close());

const get = (path: string, accept?: string) => fetch(`${t.url}${path}`, { headers: accept ? { accept } : {} });
const audit = async (path: string): Promise<AuditEvent[]> => ((await (await get(path)).json()) as { events: AuditEvent[] }).events;

describe('GET /v2/_audit', () => {
  it('lists events newest first with who moved what, from what to what', async () => {
    expect((await get('/v2/_audit?repository=shop/web&tag=prod')).status).toBe(200);
    const events = await audit('/v2/_audit?repository=shop/web&tag=prod');
    expect(events.map((e) => e.type)).toEqual(['TagMoved', 'TagCreated']);
    expect(events[0]).toMatchObject({
      stream: 'shop/web:prod',
      version: 2,
      actor: 'anonymous',
      data: { from: { digest: digest('p1') }, target: { digest: digest('p2') } },
    });
    expect(events[0]!.jws).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  });

  it('filters by type, actor and time', async () => {
    const deleted = await audit('/v2/_audit?type=TagDeleted');
    expect(deleted).toHaveLength(1);
    expect(deleted[0]!.data).toMatchObject({ repository: 'shop/web', tag: 'dev' });
    expect(await audit('/v2/_audit?actor=nobody')).toEqual([]);
    expect(await audit('/v2/_audit?until=2000-01-01T00:00:00Z')).toEqual([]);
    expect(await audit('/v2/_audit?since=2000-01-01T00:00:00Z')).toHaveLength(5);
  });

  it('pages with a Link to the next page', async () => {
    const first = await get('/v2/_audit?repository=shop/web&n=2');
    expect(((await first.json()) as { events: AuditEvent[] }).events.map((e) => e.position)).toEqual([5, 3]);
    expect(first.headers.get('link')).toBe('</v2/_audit?repository=shop%2Fweb&n=2&last=3>; rel="next"');
    const second = await get('/v2/_audit?repository=shop/web&n=2&last=3');
    expect(((await second.json()) as { events: AuditEvent[] }).events.map((e) => e.position)).toEqual([2, 1]);
    expect(second.headers.get('link')).toBeNull();
  });

  it('exports CSV', async () => {
    const res = await get('/v2/_audit?repository=shop/web&tag=prod', 'text/csv');
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await res.text()).trimEnd().split('\r\n');
    expect(lines[0]).toBe('position,time,actor,type,repository,tag,from,target,stream,version,hash');
    expect(lines).toHaveLength(3);
    expect(lines[1]!.split(',').slice(2, 8)).toEqual(['anonymous', 'TagMoved', 'shop/web', 'prod', digest('p1'), digest('p2')]);
  });

  it('exports NDJSON, one event per line', async () => {
    const res = await get('/v2/_audit', 'application/x-ndjson');
    expect(res.headers.get('content-type')).toBe('application/x-ndjson');
    const events = (await res.text())
      .trimEnd()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(events.map((e) => e.position)).toEqual([5, 4, 3, 2, 1]);
  });

  it('answers 400 for bad filters', async () => {
    for (const query of ['since=yesterday', 'repository=Bad', 'n=-1', 'last=x', 'type=a;b']) {
      const res = await get(`/v2/_audit?${query}`);
      expect(res.status).toBe(400);
    }
  });
});

describe('verifying the log', () => {
  it('GET /v2/_log/verify answers ok, then reports an altered row', async () => {
    // The whole log's answer also carries the Merkle tree's check (test/e2e/transparency.e2e.test.ts).
    expect(await (await get('/v2/_log/verify')).json()).toMatchObject({ ok: true, events: 5, broken: [], tree: { ok: true } });
    expect(await (await get('/v2/_log/verify?repository=shop/api')).json()).toEqual({ ok: true, events: 1, broken: [] });
    await sql`update events set actor = 'mallory' where position = 4`.execute(t.infrastructure.db);
    try {
      expect(await (await get('/v2/_log/verify')).json()).toMatchObject({
        ok: false,
        events: 5,
        broken: [{ position: 4, stream: 'shop/api:prod', reason: 'actor differs from the signed event' }],
      });
    } finally {
      await sql`update events set actor = 'anonymous' where position = 4`.execute(t.infrastructure.db);
    }
  });

  it('verifies offline from the NDJSON export and the published JWKS (verify-export)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tag-history-audit-'));
    const jwks = join(dir, 'jwks.json');
    writeFileSync(jwks, await (await get('/.well-known/jwks.json')).text());
    const ndjson = await (await get('/v2/_audit', 'application/x-ndjson')).text();
    expect(await verifyExport(jwks, ndjson, join(dir, 'events.ndjson'))).toEqual({ ok: true, events: 5, broken: [] });

    const forged = ndjson.replace(digest('p2'), digest('evil'));
    expect((await verifyExport(jwks, forged, join(dir, 'forged.ndjson'))).broken).toEqual([
      { position: 2, stream: 'shop/web:prod', reason: 'data differs from the signed event' },
    ]);
  });
});

async function verifyExport(jwks: string, ndjson: string, file: string) {
  writeFileSync(file, ndjson);
  const log = jest.spyOn(console, 'log').mockImplementation(() => undefined);
  try {
    await verifyExportCommand(jwks, file);
    return JSON.parse(log.mock.calls[0]![0] as string);
  } finally {
    log.mockRestore();
    process.exitCode = undefined;
  }
}
