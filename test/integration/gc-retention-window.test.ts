import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extendLogPartitions } from '@tag-history/database';
import { closedSince } from '@tag-history/queries';
import { sql } from 'kysely';
import { archivePartition, checkpointVerifier } from '../../apps/cli/src/archive/archive-partition';
import { loadLogKeys } from '../../apps/api/src/infrastructure/transparency/log-keys';
import { IntegratorLoop } from '../../apps/api/src/infrastructure/transparency/integrator-loop';
import { LogIntegrator } from '../../apps/api/src/infrastructure/transparency/log-integrator';
import { digest, putTag } from '../support/fixtures';
import { startTestApp, type TestApp } from '../support/test-app';

/*
 * The GC's recovery window without an index on to_time (migration 0019): the
 * intervals closed within it, by a move or by a delete, also once the delete's
 * partition of the log is archived, and none closed before it.
 */
let t: TestApp;
let out: string;
let now = Date.parse('2026-03-01T12:00:00Z');
beforeAll(async () => {
  t = await startTestApp({ clock: () => new Date(now) });
  out = mkdtempSync(join(tmpdir(), 'tag-history-window-'));
  // Partitions of 50 positions, so that the first can be archived (as in archive-partition.test.ts).
  const { db } = t.infrastructure;
  await sql`alter table events detach partition events_from_1`.execute(db);
  await sql`drop table events_from_1`.execute(db);
  await sql`update log_partitioning set size = 50, until = 1`.execute(db);
  await extendLogPartitions(db);
  await t.app.get(IntegratorLoop).stop();
});
afterAll(async () => {
  await t?.close();
  rmSync(out, { recursive: true, force: true });
});

const repository = 'win/app';

async function write(tag: string, seed: string | null): Promise<void> {
  const response = seed === null ? await fetch(`${t.url}/v2/${repository}/_tags/${tag}`, { method: 'DELETE' }) : await putTag(t.url, repository, tag, seed);
  expect(response.status).toBeLessThan(300);
}

async function referenced(): Promise<Record<string, unknown>> {
  const res = await fetch(`${t.url}/v2/_gc/referenced?repository=${repository}&retention=PT1H&reasons=true`);
  expect(res.status).toBe(200);
  const lines = (await res.text())
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  return Object.fromEntries(lines.slice(1, -1).map((l) => [l.digest, l.reasons]));
}

describe('intervals closed within the retention window', () => {
  it('are those a move or a delete closed after its start, through indexes, also once the delete is archived', async () => {
    const { db } = t.infrastructure;
    // Closed two hours before the window's end: outside a one-hour window.
    await write('early', 'early-old');
    await write('early', 'early-new');
    await write('dropped-early', 'dropped-early');
    await write('dropped-early', null);
    now += 7_200_000;
    await write('moved', 'moved-old');
    await write('moved', 'moved-new');
    await write('dropped', 'dropped');
    await write('dropped', null);
    const closedAt = now;
    now += 60_000;
    const until = new Date(closedAt + 3_600_000).toISOString();
    const expected = {
      [digest('early-new')]: { tags: ['early'] },
      [digest('moved-new')]: { tags: ['moved'] },
      [digest('moved-old')]: { recoveryUntil: until },
      [digest('dropped')]: { recoveryUntil: until },
    };
    expect(await referenced()).toEqual(expected);

    // Each source reads an index; with no archive made within the window, the scan for archived deletes never runs.
    const since = new Date(now - 3_600_000).toISOString();
    const plan = await db.transaction().execute(async (trx) => {
      await sql`set local enable_seqscan = off`.execute(trx);
      const { rows } = await sql<{ 'QUERY PLAN': string }>`explain (analyze, costs off) select * from ${closedSince(since)} as h`.execute(trx);
      return rows.map((r) => r['QUERY PLAN']);
    });
    expect(plan.join('\n')).toMatch(/tag_history_opened/);
    expect(plan.join('\n')).toMatch(/events_from_\d+_recorded_at_idx/);
    // (log_archive has a row per archived segment.)
    expect(plan.filter((line) => /Seq Scan on (tag_history|events)/.test(line) && !/never executed/.test(line))).toEqual([]);

    // The deletes' partition archived (its events leave the log): the window is the same.
    for (let i = 0; i < 50; i++) {
      if (i % 20 === 0) await extendLogPartitions(db);
      expect((await putTag(t.url, 'win/filler', 'f', `f${i}`)).status).toBeLessThan(300);
    }
    const config = t.infrastructure.database.config;
    await new LogIntegrator(db, loadLogKeys(config.transparency), () => new Date()).integrateAll();
    expect(await archivePartition(db, checkpointVerifier(config.transparency.checkpointKey), out)).toMatchObject({ first: 1, last: 50 });
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from events where type = 'TagDeleted'`.execute(db);
    expect(rows[0]!.n).toBe(0);
    expect(await referenced()).toEqual(expected);
  });
});
