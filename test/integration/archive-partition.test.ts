import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extendLogPartitions } from '@tag-history/database';
import { verifyLog } from '@tag-history/event-store';
import { checkProjections, rebuildProjections } from '@tag-history/projections';
import { auditLog, httpLogClient, parsePinnedKeys, tilePath } from '@tag-history/transparency';
import { sql } from 'kysely';
import { archivePartition, checkpointVerifier } from '../../apps/cli/src/archive/archive-partition';
import { verifySegment } from '../../apps/cli/src/archive/verify-segment';
import { cli } from '../../apps/cli/src/main';
import { loadLogKeys } from '../../apps/api/src/infrastructure/transparency/log-keys';
import { IntegratorLoop } from '../../apps/api/src/infrastructure/transparency/integrator-loop';
import { LogIntegrator } from '../../apps/api/src/infrastructure/transparency/log-integrator';
import { verifyTree } from '../../apps/api/src/infrastructure/transparency/verify-tree';
import { putTag } from '../support/fixtures';
import { startTestApp, type TestApp } from '../support/test-app';

/*
 * Archiving old partitions (docs/scaling.md): a partition of a signed log is
 * exported as a segment, verified, recorded and detached; then verify-log, the
 * tree check and the projections check start from the boundary, the segment
 * verifies offline (and a tampered one does not), reads of archived events
 * answer 410 ARCHIVED, and new moves go on. Detaching works on PGlite too.
 */
describe('archiving partitions of the log as signed segments', () => {
  let t: TestApp;
  let out: string;
  beforeAll(async () => {
    t = await startTestApp();
    out = mkdtempSync(join(tmpdir(), 'tag-history-segments-'));
  });
  afterAll(async () => {
    await t?.close();
    rmSync(out, { recursive: true, force: true });
  });

  const json = async (path: string) => {
    const response = await fetch(`${t.url}${path}`);
    return { status: response.status, body: (await response.json()) as Record<string, any> };
  };

  it('archives, verifies from the boundary, refuses what it must, and answers 410 for archived events', async () => {
    const { db } = t.infrastructure;
    const config = t.infrastructure.database.config;
    // Partitions of 50 positions (the empty one the migration made ahead is replaced, as an operator would).
    await sql`alter table events detach partition events_from_1`.execute(db);
    await sql`drop table events_from_1`.execute(db);
    await sql`update log_partitioning set size = 50, until = 1`.execute(db);
    await extendLogPartitions(db);
    // The service's integrator waits, so that the log runs ahead of the tree; this test integrates by hand.
    await t.app.get(IntegratorLoop).stop();
    // A tag written once, at position 1, then 120 moves of 7 tags: every tag has versions in each of the first three partitions.
    expect((await putTag(t.url, 'arc/app', 'still', 'first')).status).toBe(201);
    for (let i = 0; i < 120; i++) {
      if (i % 40 === 0) await extendLogPartitions(db);
      expect((await putTag(t.url, 'arc/app', `t${i % 7}`, `v${i}`)).status).toBeLessThan(300);
    }
    const logKey = checkpointVerifier(config.transparency.checkpointKey);
    const integrator = new LogIntegrator(db, loadLogKeys(config.transparency), () => new Date());
    await expect(archivePartition(db, logKey, out)).rejects.toThrow(/past what the transparency log has integrated and signed/);
    await integrator.integrateAll();

    const first = await archivePartition(db, logKey, out);
    expect(first).toMatchObject({ segment: 'events_from_1', first: 1, last: 50 });
    const second = await archivePartition(db, logKey, out);
    expect(second).toMatchObject({ segment: 'events_from_51', first: 51, last: 100 });
    await expect(archivePartition(db, logKey, out)).rejects.toThrow(/holds the log head 121/);

    // The log from the boundary: 20 events kept, chains continued from the archived heads; the tree and projections too.
    const verified = await verifyLog(db);
    expect(verified.broken).toEqual([]);
    expect(verified.events).toBe(21);
    expect((await verifyTree(db)).problems).toEqual([]);
    expect((await checkProjections(db)).differences).toEqual([]);

    // Offline: both segments verify, with their own keys and pinned ones; tampering shows.
    for (const segment of [first, second]) {
      const result = await verifySegment(segment.dir);
      expect(result.problems).toEqual([]);
      expect(result).toMatchObject({ ok: true, events: 50, keys: 'segment' });
    }
    const tamper = (name: string, change: (dir: string) => void) => {
      const dir = join(out, name);
      cpSync(second.dir, dir, { recursive: true });
      change(dir);
      return verifySegment(dir);
    };
    const edited = await tamper('edited', (dir) => {
      const file = join(dir, 'events.ndjson');
      writeFileSync(file, readFileSync(file, 'utf8').replace('"actor":"', '"actor":"x'));
    });
    expect(edited.ok).toBe(false);
    const rehashed = await tamper('rehashed', (dir) => {
      // An event dropped, and the manifest's file hash "fixed": the positions, chains and tree still give it away.
      const file = join(dir, 'events.ndjson');
      const lines = readFileSync(file, 'utf8').split('\n');
      lines.splice(10, 1);
      writeFileSync(file, lines.join('\n'));
      const manifest = JSON.parse(readFileSync(join(dir, 'segment.json'), 'utf8'));
      manifest.eventsSha256 = createHash('sha256').update(lines.join('\n')).digest('hex');
      writeFileSync(join(dir, 'segment.json'), JSON.stringify(manifest));
    });
    expect(rehashed.ok).toBe(false);
    expect(rehashed.problems.join('\n')).toMatch(/missing/);
    const tile = await tamper('tile', (dir) => {
      const file = join(dir, tilePath(0, 0, JSON.parse(readFileSync(join(dir, 'segment.json'), 'utf8')).checkpointSize));
      const bytes = readFileSync(file);
      bytes[60 * 32] ^= 1;
      writeFileSync(file, bytes);
    });
    expect(tile.problems.join('\n')).toMatch(/tile 0\/0/);

    // The same through the operator CLI, with the keys pinned from files: exit 0, then 1 for the edited copy.
    const run = async (...args: string[]) => {
      const printed: string[] = [];
      const log = jest.spyOn(console, 'log').mockImplementation((line: unknown) => void printed.push(String(line)));
      process.exitCode = 0;
      try {
        await cli().parseAsync(args, { from: 'user' });
        return { code: process.exitCode, result: JSON.parse(printed.join('\n')) as { ok: boolean; keys: string } };
      } finally {
        log.mockRestore();
        process.exitCode = 0;
      }
    };
    const pins = ['--jwks', join(second.dir, 'jwks.json'), '--log-key', join(second.dir, 'log.key')];
    expect(await run('verify-segment', second.dir, ...pins)).toEqual({ code: 0, result: expect.objectContaining({ ok: true, keys: 'pinned' }) });
    expect(await run('verify-segment', join(out, 'edited'), ...pins)).toEqual({ code: 1, result: expect.objectContaining({ ok: false }) });

    // Reads that need archived events: 410 ARCHIVED naming the segment; those that do not, as before.
    const archived = await json('/v2/_events/7');
    expect(archived.status).toBe(410);
    expect(archived.body.errors[0]).toMatchObject({ code: 'ARCHIVED', detail: { position: 7, segment: 'events_from_1' } });
    expect((await json('/v2/_events/110')).status).toBe(200);
    const whole = await json('/v2/arc/app/_tags/t1/history?n=100');
    expect(whole.status).toBe(410);
    expect(whole.body.errors[0]).toMatchObject({ code: 'ARCHIVED', detail: { segment: 'events_from_51' } });
    const newest = await json('/v2/arc/app/_tags/t1/history?n=2');
    expect(newest.status).toBe(200);
    expect(newest.body.events).toHaveLength(2);
    expect((await fetch(`${t.url}/v2/arc/app/_oci/tag-history/t1?n=100`)).status).toBe(410);
    expect((await fetch(`${t.url}/v2/_log/tile/entries/000.p/100`)).status).toBe(410);
    // A tag not moved since its event was archived: still served, signed (its client's JWS, if any, was kept) and proved.
    const signed = await fetch(`${t.url}/v2/arc/app/_tags/still`, { headers: { accept: 'application/vnd.docker.distribution.tag.v1+jws' } });
    expect(signed.status).toBe(200);
    expect(((await signed.json()) as { signatures: unknown[] }).signatures).toHaveLength(1);
    const proved = await json('/v2/arc/app/_tags/still?proof=true');
    expect(proved.status).toBe(200);
    expect(proved.body.proof).toBeDefined();

    // New moves go on; the log, tree and projections still check from the boundary, and a rebuild starts there.
    for (let i = 0; i < 10; i++) expect((await putTag(t.url, 'arc/app', `t${i % 3}`, `after${i}`)).status).toBeLessThan(300);
    await integrator.integrateAll();
    expect((await verifyLog(db)).broken).toEqual([]);
    expect((await verifyTree(db)).problems).toEqual([]);
    await rebuildProjections(db);
    expect((await checkProjections(db)).differences).toEqual([]);
    expect((await json('/v2/arc/app/_tags/t1')).status).toBe(200);

    // An auditor of the repository picks each chain up at its stream's archived head: the 8 streams with archived events.
    const heads = await json('/v2/_log/archived?repository=arc%2Fapp');
    expect(heads.status).toBe(200);
    expect(heads.body).toMatchObject({ boundary: 100, segment: 'events_from_51' });
    expect(heads.body.streams.map((h: { stream: string }) => h.stream).sort()).toEqual(['arc/app:still', ...[0, 1, 2, 3, 4, 5, 6].map((i) => `arc/app:t${i}`)]);
    expect((await json('/v2/_log/archived')).status).toBe(400);
    const keys = parsePinnedKeys([await (await fetch(`${t.url}/v2/_log/key`)).text()]);
    expect(await auditLog({ client: httpLogClient(t.url), keys, repository: 'arc/app', now: new Date() })).toMatchObject({ exit: 0, events: 31 });

    // Beyond the boundary: the tag whose only interval is archived is deleted, and another is deleted and restored; the
    // rebuild starts from the archived projections whether its set-based part ends at the boundary or anywhere after it.
    expect((await fetch(`${t.url}/v2/arc/app/_tags/still`, { method: 'DELETE' })).status).toBe(202);
    expect((await fetch(`${t.url}/v2/arc/app/_tags/t4`, { method: 'DELETE' })).status).toBe(202);
    const restored = await fetch(`${t.url}/v2/arc/app/_tags/t4/restore`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ version: 1 }),
    });
    expect(restored.status).toBeLessThan(300);
    const { position } = await db.selectFrom('log_head').select('position').executeTakeFirstOrThrow();
    for (let bulkUntil = 100; bulkUntil <= Number(position); bulkUntil += 4) {
      expect((await checkProjections(db, { bulkUntil })).differences).toEqual([]);
    }
    await rebuildProjections(db);
    expect((await json('/v2/arc/app/_tags/still')).status).toBe(404);
    expect((await checkProjections(db)).differences).toEqual([]);
  }, 120_000);
});
