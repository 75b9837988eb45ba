import { checkProjections, rebuildProjections } from '@tag-history/projections';
import fc from 'fast-check';
import { sql } from 'kysely';
import { digest, putTag, target } from '../support/fixtures';
import { startTestApp, type TestApp } from '../support/test-app';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const TAGS = ['latest', 'stable', '1.0', '1.1'];
const REPOS = ['rb/one', 'rb/two'];
const SEEDS = ['a', 'b', 'c', 'd', 'e'];

type Op =
  | { kind: 'put' | 'delete'; repo: string; tag: string; seed: string }
  | { kind: 'restore'; repo: string; tag: string; by: { version: number } | { digest: string } }
  | { kind: 'batch'; ops: { op: 'create' | 'move' | 'delete'; repo: string; tag: string; seed: string }[] };

const repo = fc.constantFrom(...REPOS);
const tag = fc.constantFrom(...TAGS);
const seed = fc.constantFrom(...SEEDS);
const op: fc.Arbitrary<Op> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('put' as const), repo, tag, seed }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant('delete' as const), repo, tag, seed }), weight: 1 },
  {
    arbitrary: fc.record({
      kind: fc.constant('restore' as const),
      repo,
      tag,
      by: fc.oneof(
        fc.record({ version: fc.integer({ min: 1, max: 8 }) }),
        seed.map((s) => ({ digest: digest(s) })),
      ),
    }),
    weight: 2,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('batch' as const),
      ops: fc.uniqueArray(fc.record({ op: fc.constantFrom('create' as const, 'move' as const, 'delete' as const), repo, tag, seed }), {
        minLength: 1,
        maxLength: 4,
        selector: (o) => `${o.repo}:${o.tag}`,
      }),
    }),
    weight: 2,
  },
);

async function apply(o: Op): Promise<number> {
  const post = (path: string, body: unknown) =>
    fetch(`${t.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  switch (o.kind) {
    case 'put':
      return (await putTag(t.url, o.repo, o.tag, o.seed)).status;
    case 'delete':
      return (await fetch(`${t.url}/v2/${o.repo}/_tags/${o.tag}`, { method: 'DELETE' })).status;
    case 'restore':
      return (await post(`/v2/${o.repo}/_tags/${o.tag}/restore`, o.by)).status;
    case 'batch':
      return (
        await post('/v2/_batch', {
          operations: o.ops.map((b) => ({ op: b.op, name: b.repo, tag: b.tag, ...(b.op === 'delete' ? {} : { target: target(b.seed) }) })),
        })
      ).status;
  }
}

describe('projection rebuild', () => {
  it('rebuilds projections equal, row for row, to the live ones after random workloads', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 10, maxLength: 60 }), async (ops) => {
        for (const o of ops) expect(await apply(o)).toBeLessThan(500);
        const check = await checkProjections(t.infrastructure.db);
        expect(check.differences).toEqual([]);
        // Set-based up to the middle of the log and the rest through the live function, as events appended during a
        // rebuild are: intervals opened by the one and closed by the other, tags moved again after the seam.
        const { position } = await t.infrastructure.db.selectFrom('log_head').select('position').executeTakeFirstOrThrow();
        expect((await checkProjections(t.infrastructure.db, { bulkUntil: Math.floor(Number(position) / 2) })).differences).toEqual([]);
      }),
      { numRuns: 8 },
    );
    const events = await t.infrastructure.db
      .selectFrom('events')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const types = await t.infrastructure.db.selectFrom('events').select('type').distinct().execute();
    expect(types.map((r) => r.type).sort()).toEqual(['TagCreated', 'TagDeleted', 'TagMoved', 'TagRestored']);

    const before = await snapshot();
    const schemaBefore = await schema();
    const rebuilt = await rebuildProjections(t.infrastructure.db);
    expect(rebuilt.events).toBe(Number(events.n));
    expect(await snapshot()).toEqual(before);
    // The swapped-in tables carry the migrations' indexes and constraints, under the same names.
    expect(await schema()).toEqual(schemaBefore);
    expect(schemaBefore.indexes.length).toBeGreaterThanOrEqual(8);
  });

  it('finds damaged projections and repairs them', async () => {
    await putTag(t.url, 'rb/damage', 'v1', 'x1');
    await putTag(t.url, 'rb/damage', 'v1', 'x2');
    const { db } = t.infrastructure;
    await db.deleteFrom('tags').where('repository', '=', 'rb/damage').execute();
    await db.updateTable('tag_history').set({ to_actor: 'mallory' }).where('repository', '=', 'rb/damage').where('version', '=', 1).execute();

    const check = await checkProjections(db);
    expect(check.differences.map((d) => [d.table, d.onlyLive, d.onlyRebuilt])).toEqual([
      ['tags', 0, 1],
      ['tag_history', 1, 1],
    ]);
    expect(check.differences[1]!.examples).toContainEqual({ side: 'live', row: expect.objectContaining({ to_actor: 'mallory' }) });

    const rebuilt = await rebuildProjections(db);
    expect(rebuilt.rows.tags).toBeGreaterThan(0);
    expect((await checkProjections(db)).differences).toEqual([]);
    const res = await fetch(`${t.url}/v2/rb/damage/_tags/v1`);
    expect(await res.json()).toMatchObject({ target: target('x2'), version: 2 });
    // The side schema lives only inside the rebuild's transaction.
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from information_schema.schemata where schema_name = 'projection_rebuild'`.execute(db);
    expect(rows[0]!.n).toBe(0);
  });
});

async function schema() {
  const { db } = t.infrastructure;
  const tables = ['tags', 'repositories', 'tag_history'];
  const indexes = await sql<{ indexname: string; indexdef: string }>`
    select indexname, indexdef from pg_indexes where schemaname = 'public' and tablename = any(${tables}) order by indexname`.execute(db);
  const constraints = await sql<{ conname: string; def: string }>`
    select conname, pg_get_constraintdef(oid) as def from pg_constraint
    where conrelid in (select oid from pg_class where relname = any(${tables}) and relnamespace = 'public'::regnamespace) order by conname`.execute(db);
  return { indexes: indexes.rows, constraints: constraints.rows };
}

async function snapshot() {
  const { db } = t.infrastructure;
  return {
    tags: await db.selectFrom('tags').selectAll().orderBy('repository').orderBy('tag').execute(),
    repositories: await db.selectFrom('repositories').selectAll().orderBy('name').execute(),
    history: await db.selectFrom('tag_history').selectAll().orderBy('repository').orderBy('tag').orderBy('version').execute(),
  };
}
