import { type TagEvent, targetAfter } from '@tag-history/domain';
import { digest, putTag } from '../support/fixtures';
import { startTestApp, type TestApp } from '../support/test-app';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const repository = 'race/app';
const POOL = Array.from({ length: 60 }, (_, i) => `d${i}`);
const TAGS = Array.from({ length: 10 }, (_, i) => `t${i}`);
const pick = <T>(items: T[]): T => items[Math.floor(Math.random() * items.length)]!;

async function referencedDigests(): Promise<{ cursor: number; digests: Set<string> }> {
  const lines = (await (await fetch(`${t.url}/v2/_gc/referenced?repository=${repository}`)).text())
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l));
  return { cursor: lines[0].cursor, digests: new Set(lines.slice(1, -1).map((l: { digest: string }) => l.digest)) };
}

describe('sweeps racing tag moves onto their candidates', () => {
  it('never returns as deletable a digest that a tag points at, at sweep time or after', async () => {
    await Promise.all(TAGS.map((tag, i) => putTag(t.url, repository, tag, POOL[i]!)));
    const sweeps: { id: string; unreferenced: Set<string> }[] = [];
    const statuses = new Map<string, number>();
    let moving = true;

    const mover = async () => {
      for (let i = 0; i < 60; i++) {
        const res = await putTag(t.url, repository, pick(TAGS), pick(POOL));
        const outcome = res.status === 409 ? `409 ${((await res.json()) as { errors: { code: string }[] }).errors[0]!.code}` : String(res.status);
        if (res.status !== 409) await res.arrayBuffer();
        statuses.set(outcome, (statuses.get(outcome) ?? 0) + 1);
      }
    };
    const sweeper = async () => {
      while (moving) {
        const { cursor, digests } = await referencedDigests();
        // The job's candidates: what its snapshot says nothing references. Movers race onto them from here on.
        const candidates = POOL.map((seed) => digest(seed)).filter((d) => !digests.has(d) && Math.random() < 0.3);
        const body = candidates.map((d) => JSON.stringify({ repository, digest: d })).join('\n');
        const res = await fetch(`${t.url}/v2/_gc/sweeps?cursor=${cursor}`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body });
        expect(res.status).toBe(201);
        const sweep = (await res.json()) as { id: string; unreferenced: { digest: string }[] };
        const unreferenced = new Set(sweep.unreferenced.map((u) => u.digest));
        sweeps.push({ id: sweep.id, unreferenced });
        // While the lease holds, nothing may point at what the sweep returned.
        const now = await t.infrastructure.db.selectFrom('tags').select('digest').where('repository', '=', repository).execute();
        expect(now.filter((r) => unreferenced.has(r.digest))).toEqual([]);
      }
    };

    const movers = Promise.all(Array.from({ length: 6 }, mover)).finally(() => (moving = false));
    await Promise.all([movers, sweeper(), sweeper()]);

    const deletable = new Set(sweeps.flatMap((s) => [...s.unreferenced]));
    const atEnd = await t.infrastructure.db.selectFrom('tags').select('digest').where('repository', '=', repository).execute();
    expect(atEnd.filter((r) => deletable.has(r.digest))).toEqual([]);

    // From the log: from each sweep's start on, no tag ever pointed at what it returned.
    const events = await t.infrastructure.db.selectFrom('events').select(['type', 'data']).orderBy('position').execute();
    const pointing = new Map<string, string>();
    const open: Set<string>[] = [];
    for (const event of events) {
      if (event.type === 'GcSweepStarted') {
        const sweep = sweeps.find((s) => s.id === (event.data as { id: string }).id)!;
        open.push(sweep.unreferenced);
      } else if (event.type.startsWith('Tag')) {
        const e = event as unknown as TagEvent;
        const target = targetAfter(e);
        if (target) pointing.set(e.data.tag, target.digest);
        else pointing.delete(e.data.tag);
      }
      for (const unreferenced of open) expect([...pointing.values()].filter((d) => unreferenced.has(d))).toEqual([]);
    }

    for (const sweep of sweeps) {
      const body = [...sweep.unreferenced].map((d) => JSON.stringify({ repository, digest: d })).join('\n');
      const close = await fetch(`${t.url}/v2/_gc/sweeps/${sweep.id}`, { method: 'DELETE', headers: { 'content-type': 'application/x-ndjson' }, body });
      expect(close.status).toBe(200);
    }

    expect([...statuses.keys()].sort()).toEqual(expect.arrayContaining(['409 MANIFEST_BEING_DELETED']));
    expect([...statuses.keys()].every((s) => ['200', '201', '409 MANIFEST_BEING_DELETED'].includes(s))).toBe(true);
    expect(sweeps.length).toBeGreaterThan(1);
    expect(deletable.size).toBeGreaterThan(0);
  });
});
