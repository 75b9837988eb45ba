import { get } from 'node:http';
import { Readable } from 'node:stream';
import { checkProjections, rebuildProjections } from '@tag-history/projections';
import { sql } from 'kysely';
import { digest, putTag } from '../support/fixtures';
import { onPostgres } from '../support/test-infrastructure';
import { startTestApp, type TestApp } from '../support/test-app';

let t: TestApp;
let now = Date.parse('2026-03-01T12:00:00Z');
beforeAll(async () => {
  t = await startTestApp({ clock: () => new Date(now) });
});
afterAll(() => t.close());

const NDJSON = 'application/x-ndjson';
const json = async (res: Response): Promise<any> => res.json();
const ndjson = (lines: object[]) => lines.map((l) => JSON.stringify(l)).join('\n');

async function referenced(query = '') {
  const res = await fetch(`${t.url}/v2/_gc/referenced${query}`);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toBe(NDJSON);
  const lines = (await res.text())
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  return { header: lines[0], rows: lines.slice(1, -1), footer: lines[lines.length - 1] };
}

function sweep(cursor: number | string, body: string, query = '') {
  return fetch(`${t.url}/v2/_gc/sweeps?cursor=${cursor}${query}`, { method: 'POST', headers: { 'content-type': NDJSON }, body });
}

function pin(name: string, seed: string, reason = 'audit 2026-Q1', method = 'PUT') {
  return fetch(`${t.url}/v2/${name}/_pins/${digest(seed)}`, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ reason }) });
}

const ref = (repository: string, seed: string) => ({ repository, digest: digest(seed) });
const sorted = (refs: { repository: string; digest: string }[]) => [...refs].sort((a, b) => (a.repository + a.digest < b.repository + b.digest ? -1 : 1));

describe('GET /v2/_gc/referenced', () => {
  it('streams a header with the snapshot cursor, one line per referenced (repository, digest), and a count', async () => {
    await putTag(t.url, 'ref/a', 'x', 'r1');
    await putTag(t.url, 'ref/a', 'y', 'r1');
    await putTag(t.url, 'ref/a', 'z', 'r2');
    const head = await t.infrastructure.db.selectFrom('log_head').select('position').executeTakeFirstOrThrow();
    const { header, rows, footer } = await referenced('?repository=ref/a');
    expect(header).toEqual({ cursor: head.position, retention: 'PT0S', time: new Date(now).toISOString() });
    expect(rows).toEqual(sorted([ref('ref/a', 'r1'), ref('ref/a', 'r2')]));
    expect(footer).toEqual({ count: 2 });
  });

  it('keeps a digest a tag left within the retention, and says why with reasons=true', async () => {
    await putTag(t.url, 'ref/window', 'latest', 'old');
    now += 60_000;
    await putTag(t.url, 'ref/window', 'latest', 'new');
    const leftAt = now;
    now += 3_600_000;
    const short = await referenced('?repository=ref/window&retention=PT30M');
    expect(short.rows).toEqual([ref('ref/window', 'new')]);
    const long = await referenced('?repository=ref/window&retention=PT2H&reasons=true');
    expect(long.header.retention).toBe('PT2H');
    const byDigest = Object.fromEntries(long.rows.map((r) => [r.digest, r.reasons]));
    expect(byDigest[digest('new')]).toEqual({ tags: ['latest'] });
    expect(byDigest[digest('old')]).toEqual({ recoveryUntil: new Date(leftAt + 7_200_000).toISOString() });
  });

  it('merges tags, the recovery window and pins into one line per digest', async () => {
    await putTag(t.url, 'ref/merge', 'a', 'm1');
    await putTag(t.url, 'ref/merge', 'b', 'm1');
    await putTag(t.url, 'ref/merge', 'c', 'm2');
    await putTag(t.url, 'ref/merge', 'c', 'm3');
    const leftAt = now;
    expect((await pin('ref/merge', 'm2', 'keep')).status).toBe(201);
    expect((await pin('ref/merge', 'm4', 'build 42')).status).toBe(201);
    const { rows, footer } = await referenced('?repository=ref/merge&retention=PT1H&reasons=true');
    const expected = [
      { ...ref('ref/merge', 'm1'), reasons: { tags: ['a', 'b'] } },
      { ...ref('ref/merge', 'm2'), reasons: { recoveryUntil: new Date(leftAt + 3_600_000).toISOString(), pin: 'keep' } },
      { ...ref('ref/merge', 'm3'), reasons: { tags: ['c'] } },
      { ...ref('ref/merge', 'm4'), reasons: { pin: 'build 42' } },
    ];
    expect(rows).toEqual(sorted(expected));
    expect(footer).toEqual({ count: 4 });
  });

  it('stops reading and gives its connection back when the client goes away', async () => {
    // Far more than socket buffers hold, loaded straight into the projection.
    await sql`
      insert into tags (repository, tag, media_type, size, digest, version, position, updated_at, updated_by)
      select 'ref/many', 't' || i, 'application/vnd.oci.image.manifest.v1+json', 1, 'sha256:' || lpad(to_hex(i), 64, '0'), 1, 0, now(), 'test'
      from generate_series(1, 50000) i`.execute(t.infrastructure.db);
    await new Promise<void>((resolve, reject) => {
      const request = get(`${t.url}/v2/_gc/referenced?repository=ref/many`, (res) => res.once('data', () => (request.destroy(), resolve())));
      request.on('error', reject);
    });
    // On PGlite the stream holds the one connection: this write would wait forever if the read went on.
    expect((await putTag(t.url, 'ref/after-abort', 'v', 'x')).status).toBe(201);
    const pool = t.infrastructure.pool;
    if (pool) {
      for (let i = 0; i < 100 && pool.totalCount !== pool.idleCount; i++) await new Promise((r) => setTimeout(r, 50));
      expect(pool.totalCount - pool.idleCount).toBe(0);
    }
    await sql`delete from tags where repository = 'ref/many'`.execute(t.infrastructure.db);
  });

  it('answers 400 PARAMETER_INVALID for a duration it cannot read, and for bad parameters', async () => {
    for (const query of ['?retention=P1M', '?retention=7d', '?retention=PT', '?reasons=yes', '?repository=UPPER']) {
      const res = await fetch(`${t.url}/v2/_gc/referenced${query}`);
      expect(res.status).toBe(400);
      expect((await json(res)).errors[0].code).toMatch(/PARAMETER_INVALID|NAME_INVALID/);
    }
  });
});

describe('pins', () => {
  it('pins with 201 (then 200), lists, keeps the digest referenced, and unpins with a reason', async () => {
    expect((await pin('pin/app', 'p1')).status).toBe(201);
    const again = await pin('pin/app', 'p1', 'another reason');
    expect(again.status).toBe(200);
    expect(await json(again)).toMatchObject({ pinned: true, reason: 'audit 2026-Q1', events: [] });

    const list = await fetch(`${t.url}/v2/pin/app/_pins`);
    expect(await json(list)).toEqual({
      name: 'pin/app',
      pins: [{ digest: digest('p1'), reason: 'audit 2026-Q1', pinnedBy: 'anonymous', pinnedAt: new Date(now).toISOString(), position: expect.any(Number) }],
    });
    const { rows } = await referenced('?repository=pin/app&reasons=true');
    expect(rows).toEqual([{ ...ref('pin/app', 'p1'), reasons: { pin: 'audit 2026-Q1' } }]);

    const unpin = await pin('pin/app', 'p1', 'audit closed', 'DELETE');
    expect(unpin.status).toBe(202);
    expect((await referenced('?repository=pin/app')).rows).toEqual([]);
    const events = await t.infrastructure.db
      .selectFrom('events')
      .select(['type', 'data', 'actor'])
      .where('stream_id', '=', `pin/app@${digest('p1')}`)
      .orderBy('position')
      .execute();
    expect(events).toEqual([
      { type: 'ManifestPinned', data: { repository: 'pin/app', digest: digest('p1'), reason: 'audit 2026-Q1' }, actor: 'anonymous' },
      { type: 'ManifestUnpinned', data: { repository: 'pin/app', digest: digest('p1'), reason: 'audit closed' }, actor: 'anonymous' },
    ]);
  });

  it('answers 404 PIN_UNKNOWN when unpinning what is not pinned, and 400 without a reason', async () => {
    const res = await pin('pin/none', 'p2', 'x', 'DELETE');
    expect(res.status).toBe(404);
    expect((await json(res)).errors[0].code).toBe('PIN_UNKNOWN');
    const bare = await fetch(`${t.url}/v2/pin/none/_pins/${digest('p2')}`, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(bare.status).toBe(400);
    expect((await json(bare)).errors[0].code).toBe('BODY_INVALID');
    const badDigest = await fetch(`${t.url}/v2/pin/none/_pins/sha256:nothex`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: '{"reason":"r"}',
    });
    expect(badDigest.status).toBe(400);
  });
});

describe('sweeps', () => {
  it('leases what is unreferenced; a move or pin onto it fails with 409 until the sweep is closed', async () => {
    await putTag(t.url, 'gc/app', 'keep', 'kept');
    await putTag(t.url, 'gc/app', 'moving', 'stale');
    await putTag(t.url, 'gc/app', 'moving', 'fresh');
    const { header } = await referenced('?repository=gc/app');
    const res = await sweep(header.cursor, ndjson([ref('gc/app', 'stale'), ref('gc/app', 'kept'), ref('gc/app', 'never-tagged')]));
    expect(res.status).toBe(201);
    const body = await json(res);
    expect(body).toMatchObject({ id: expect.any(String), cursor: header.cursor, candidates: 3, leaseUntil: new Date(now + 15 * 60_000).toISOString() });
    expect(body.unreferenced).toEqual(sorted([ref('gc/app', 'stale'), ref('gc/app', 'never-tagged')]));
    expect(res.headers.get('location')).toBe(`/v2/_gc/sweeps/${body.id}`);

    const move = await putTag(t.url, 'gc/app', 'moving', 'stale');
    expect(move.status).toBe(409);
    expect((await json(move)).errors[0]).toMatchObject({ code: 'MANIFEST_BEING_DELETED', detail: { name: 'gc/app', digest: digest('stale'), sweep: body.id } });
    expect((await putTag(t.url, 'gc/app', 'new-tag', 'never-tagged')).status).toBe(409);
    expect((await pin('gc/app', 'stale')).status).toBe(409);
    // The same digest in another repository is another manifest.
    expect((await putTag(t.url, 'gc/other', 'x', 'stale')).status).toBe(201);

    // The started event records exactly what it leased, so a replay of the log rebuilds these leases.
    const started = await t.infrastructure.db.selectFrom('events').select(['data']).where('type', '=', 'GcSweepStarted').executeTakeFirstOrThrow();
    expect((started.data as { leased: Record<string, string[]> }).leased['gc/app']!.sort()).toEqual([digest('never-tagged'), digest('stale')].sort());

    // A sweep may only report deleting what it leased: not a tag's current target, not an unknown digest.
    for (const notLeased of [ref('gc/app', 'kept'), ref('gc/app', 'unknown')]) {
      const refused = await fetch(`${t.url}/v2/_gc/sweeps/${body.id}`, { method: 'DELETE', headers: { 'content-type': NDJSON }, body: ndjson([notLeased]) });
      expect(refused.status).toBe(409);
      expect((await json(refused)).errors[0]).toMatchObject({ code: 'DIGEST_NOT_LEASED', detail: { repository: 'gc/app', digest: notLeased.digest } });
    }

    const close = await fetch(`${t.url}/v2/_gc/sweeps/${body.id}`, {
      method: 'DELETE',
      headers: { 'content-type': NDJSON },
      body: ndjson([ref('gc/app', 'stale')]),
    });
    expect(close.status).toBe(200);
    expect(await json(close)).toMatchObject({ id: body.id, deleted: 1, event: { type: 'GcSweepClosed' } });
    const closed = await t.infrastructure.db.selectFrom('events').select(['data']).where('type', '=', 'GcSweepClosed').executeTakeFirstOrThrow();
    expect(closed.data).toEqual({ id: body.id, count: 1, deleted: { 'gc/app': [digest('stale')] } });
    expect((await putTag(t.url, 'gc/app', 'new-tag', 'never-tagged')).status).toBe(201);

    const twice = await fetch(`${t.url}/v2/_gc/sweeps/${body.id}`, { method: 'DELETE' });
    expect(twice.status).toBe(410);
    expect((await json(twice)).errors[0].code).toBe('SWEEP_EXPIRED');
  });

  it('keeps what a tag pointed at after the cursor, and what the retention keeps', async () => {
    const { header } = await referenced();
    await putTag(t.url, 'gc/late', 'v', 'late-1');
    await putTag(t.url, 'gc/late', 'v', 'late-2');
    const res = await sweep(header.cursor, ndjson([ref('gc/late', 'late-1')]));
    expect((await json(res)).unreferenced).toEqual([]);
    const now2 = await referenced();
    const after = await sweep(now2.header.cursor, ndjson([ref('gc/late', 'late-1')]), '&retention=P1D');
    expect((await json(after)).unreferenced).toEqual([]);
  });

  it('refuses to close once the lease has ended (410), and the lease no longer blocks', async () => {
    const { header } = await referenced();
    const body = await json(await sweep(header.cursor, ndjson([ref('gc/expiry', 'e1')])));
    expect(body.unreferenced).toEqual([ref('gc/expiry', 'e1')]);
    now += 15 * 60_000;
    const close = await fetch(`${t.url}/v2/_gc/sweeps/${body.id}`, { method: 'DELETE' });
    expect(close.status).toBe(410);
    expect((await json(close)).errors[0]).toMatchObject({ code: 'SWEEP_EXPIRED', detail: { leaseUntil: body.leaseUntil } });
    expect((await putTag(t.url, 'gc/expiry', 'v', 'e1')).status).toBe(201);
  });

  it('given leases closed, ended by a later sweep start and still open, when the projections are rebuilt, then gc_leases is the live one', async () => {
    const { db } = t.infrastructure;
    const closed = await json(await sweep((await referenced()).header.cursor, ndjson([ref('gc/replay', 'c1')])));
    expect((await fetch(`${t.url}/v2/_gc/sweeps/${closed.id}`, { method: 'DELETE' })).status).toBe(200);
    const ended = await json(await sweep((await referenced()).header.cursor, ndjson([ref('gc/replay', 'e1')])));
    expect(ended.unreferenced).toEqual([ref('gc/replay', 'e1')]);
    now += 16 * 60_000;
    // This start drops every lease that ended before it: ended's, which no later event names.
    const open = await json(await sweep((await referenced()).header.cursor, ndjson([ref('gc/replay', 'o1')])));
    const leases = await db.selectFrom('gc_leases').select(['digest', 'sweep_id']).where('repository', '=', 'gc/replay').execute();
    expect(leases).toEqual([{ digest: digest('o1'), sweep_id: open.id }]);

    // The sweeps are projected one by one, in log order, after the set-based part: whatever position that part ends at.
    const { position } = await db.selectFrom('log_head').select('position').executeTakeFirstOrThrow();
    for (const bulkUntil of [undefined, 0, Number(position) - 1, Number(position) - 2, Number(position) - 3]) {
      expect((await checkProjections(db, { bulkUntil })).differences).toEqual([]);
    }
    await rebuildProjections(db);
    expect(await db.selectFrom('gc_leases').select(['digest', 'sweep_id']).where('repository', '=', 'gc/replay').execute()).toEqual(leases);
    expect((await putTag(t.url, 'gc/replay', 'v', 'o1')).status).toBe(409);
  });

  it('answers 404 SWEEP_UNKNOWN for a sweep that never existed', async () => {
    for (const id of ['00000000-0000-4000-8000-000000000000', 'nope']) {
      const res = await fetch(`${t.url}/v2/_gc/sweeps/${id}`, { method: 'DELETE' });
      expect(res.status).toBe(404);
      expect((await json(res)).errors[0].code).toBe('SWEEP_UNKNOWN');
    }
  });

  it('names the line of a malformed candidate and changes nothing', async () => {
    const sweepsBefore = await countSweepEvents();
    const cases: [string, string, number][] = [
      [`${JSON.stringify(ref('gc/bad', 'a'))}\n\n{"repository":`, 'BODY_INVALID', 3],
      [`${JSON.stringify(ref('gc/bad', 'a'))}\n{"repository":"gc/bad","digest":"sha256:00"}`, 'DIGEST_INVALID', 2],
      [`{"repository":"Bad","digest":"${digest('a')}"}`, 'NAME_INVALID', 1],
      [`${JSON.stringify({ ...ref('gc/bad', 'a'), tag: 'x' })}`, 'BODY_INVALID', 1],
      ['[1]', 'BODY_INVALID', 1],
    ];
    for (const [body, code, line] of cases) {
      const res = await sweep(0, body);
      expect(res.status).toBe(400);
      const error = (await json(res)).errors[0];
      expect(error).toMatchObject({ code, detail: { line } });
      expect(error.message).toContain(`line ${line}`);
    }
    expect(await countSweepEvents()).toBe(sweepsBefore);
  });

  it('answers 400 for a missing or future cursor, 415 for another content type', async () => {
    const line = JSON.stringify(ref('gc/bad', 'a'));
    expect((await fetch(`${t.url}/v2/_gc/sweeps`, { method: 'POST', headers: { 'content-type': NDJSON }, body: line })).status).toBe(400);
    expect((await sweep(10 ** 12, line)).status).toBe(400);
    expect((await sweep(0, line, '&retention=forever')).status).toBe(400);
    const json = await fetch(`${t.url}/v2/_gc/sweeps?cursor=0`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: line });
    expect(json.status).toBe(415);
  });

  it('takes candidate bodies far larger than 64 KiB', async () => {
    const lines = Array.from({ length: 3_000 }, (_, i) => ref('gc/big', `big-${i}`));
    const res = await sweep(0, ndjson(lines));
    expect(res.status).toBe(201);
    expect((await json(res)).unreferenced).toHaveLength(3_000);
  });

  // Attack review finding 5: one sweep of a million candidates was one event leased under the log head lock, and
  // every write waited for it. Now each chunk of 5,000 is its own event and round, and writes go on in between.
  it('records and leases a big sweep a chunk of 5,000 at a time, while other writes go on between its chunks', async () => {
    const candidates = Array.from({ length: 20_000 }, (_, i) => ref('gc/big', `big${i}`));
    await putTag(t.url, 'gc/big', 'tagged', 'big19999');
    const { header } = await referenced('?repository=gc/big');
    let writing = true;
    const writes: number[] = [];
    const writer = (async () => {
      for (let i = 0; writing; i++) {
        const res = await putTag(t.url, 'gc/busy', 'moving', `busy${i}`);
        writes.push(((await res.json()) as { events: { position: number }[] }).events[0]!.position);
      }
    })();
    const res = await sweep(header.cursor, ndjson(candidates));
    writing = false;
    await writer;
    expect(res.status).toBe(201);
    const body = await json(res);
    expect(body.unreferenced).toHaveLength(19_999);
    const events = await t.infrastructure.db
      .selectFrom('events')
      .select(['position', 'type', 'data'])
      .where('stream_id', '=', `_gc/sweeps/${body.id}`)
      .orderBy('position')
      .execute();
    expect(events.map((e) => e.type)).toEqual(['GcSweepStarted', 'GcSweepExtended', 'GcSweepExtended', 'GcSweepExtended']);
    for (const e of events) expect((e.data as { candidates: Record<string, string[]> }).candidates['gc/big']).toHaveLength(5_000);
    // Each chunk committed in a transaction of its own: the log head lock was let go between them.
    const { rows: transactions } = await sql<{ xmin: string }>`select xmin::text from events where stream_id = ${`_gc/sweeps/${body.id}`}`.execute(
      t.infrastructure.db,
    );
    expect(new Set(transactions.map((r) => r.xmin)).size).toBe(4);
    // On Postgres the writes running alongside got in between (PGlite has one connection, so there it depends on timing).
    const [first, last] = [events[0]!.position, events[events.length - 1]!.position];
    if (onPostgres) expect(writes.some((p) => p > first && p < last)).toBe(true);
    // The last chunk's leases close like the first's; the tagged digest in it was not leased.
    const close = await fetch(`${t.url}/v2/_gc/sweeps/${body.id}`, {
      method: 'DELETE',
      headers: { 'content-type': NDJSON },
      body: ndjson([ref('gc/big', 'big0'), ref('gc/big', 'big19998')]),
    });
    expect(close.status).toBe(200);
  });

  it('refuses more than 1,000,000 candidates with 413 TOO_MANY_CANDIDATES, and records nothing', async () => {
    const sweepsBefore = await countSweepEvents();
    const line = `${JSON.stringify(ref('gc/many', 'm'))}\n`;
    const block = line.repeat(10_000);
    let sent = 0;
    const body = Readable.from(
      (function* () {
        while (sent < 1_000_001) {
          sent += 10_000;
          yield Buffer.from(block);
        }
      })(),
    );
    const res = await fetch(`${t.url}/v2/_gc/sweeps?cursor=0`, {
      method: 'POST',
      headers: { 'content-type': NDJSON },
      body: Readable.toWeb(body) as ReadableStream,
      duplex: 'half',
    } as RequestInit);
    expect(res.status).toBe(413);
    expect((await json(res)).errors[0]).toMatchObject({ code: 'TOO_MANY_CANDIDATES', detail: { line: 1_000_001 } });
    expect(await countSweepEvents()).toBe(sweepsBefore);
  });
});

async function countSweepEvents(): Promise<number> {
  const rows = await t.infrastructure.db.selectFrom('events').select('position').where('type', 'like', 'GcSweep%').execute();
  return rows.length;
}
