import pg from 'pg';
import { rebuildProjections } from '@tag-history/projections';
import { sql } from 'kysely';
import { executeTagCommand } from '../../apps/api/src/tags/execute-tag-command';
import { target } from '../support/fixtures';
import { createTestInfrastructure, onPostgres, type TestInfrastructure } from '../support/test-infrastructure';

let infra: TestInfrastructure;
beforeAll(async () => {
  infra = await createTestInfrastructure();
});
afterAll(() => infra.close());

const repository = 'hot/app';
const TAGS = 40;
const ROUNDS = 25;

interface Updates {
  upd: number;
  hot: number;
}

const fillfactor = async () =>
  (await sql<{ options: string[] | null }>`select reloptions as options from pg_class where oid = 'tag_history'::regclass`.execute(infra.db)).rows[0]!.options;

const STATS = `select n_tup_upd::int as upd, n_tup_hot_upd::int as hot from pg_stat_user_tables where relname = 'tag_history'`;

/**
 * tag_history's update counters as the server has them, once they count at
 * least `updates`: a backend sends its counts when idle, at most once a second
 * (ten seconds after its last statement at worst), so the pool's are waited for.
 */
async function updates(atLeast: number): Promise<Updates> {
  if (!onPostgres) {
    // One backend, in process: it sends its own counts at its next statement's end.
    await sql`select pg_stat_force_next_flush()`.execute(infra.db);
    const { rows } = await sql.raw<Updates>(STATS).execute(infra.db);
    return rows[0]!;
  }
  const storage = infra.database.config.storage;
  if (storage.kind !== 'postgres') throw new Error('expected Postgres');
  for (let waited = 0; ; waited += 250) {
    // A new connection each time: a backend's view of the counters is cached until its transaction ends.
    const client = new pg.Client({ connectionString: storage.url });
    await client.connect();
    try {
      const { rows } = await client.query<Updates>(STATS);
      if (rows[0]!.upd >= atLeast || waited > 15_000) return rows[0]!;
    } finally {
      await client.end();
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe('closing an interval', () => {
  it('indexes no column a close changes, and keeps room on the page for it', async () => {
    const { rows: indexed } = await sql<{ name: string; definition: string }>`
      select indexrelid::regclass::text as name, pg_get_indexdef(indexrelid) as definition from pg_index
      where indrelid = 'tag_history'::regclass`.execute(infra.db);
    for (const { definition } of indexed) expect(definition).not.toMatch(/to_(version|position|time|actor)/);
    expect(await fillfactor()).toEqual(['fillfactor=50']);
  });

  it('is a HOT update: the moves of 40 tags in 25 rounds write no index entry for the intervals they close', async () => {
    const before = await updates(0);
    for (let round = 0; round < ROUNDS; round++) {
      await Promise.all(
        Array.from({ length: TAGS }, (_, t) =>
          executeTagCommand(
            infra.eventStore,
            { type: 'PutTag', data: { repository, tag: `t${t}`, target: target(`t${t}-${round}`) } },
            { actor: 'tester' },
            () => new Date(),
          ),
        ),
      );
    }
    const after = await updates(before.upd + TAGS * (ROUNDS - 1));
    const closes = after.upd - before.upd;
    const hot = after.hot - before.hot;
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from tag_history where repository = ${repository} and to_version is not null`.execute(
      infra.db,
    );
    expect(rows[0]!.n).toBe(TAGS * (ROUNDS - 1));
    expect(closes).toBe(TAGS * (ROUNDS - 1));
    // A property, not a time, on both backends: at fillfactor 100 with to_time indexed it was none of them (docs/benchmarks.md).
    expect(hot).toBeGreaterThanOrEqual(0.9 * closes);
  });

  it('keeps room on the page after a rebuild', async () => {
    await rebuildProjections(infra.db);
    expect(await fillfactor()).toEqual(['fillfactor=50']);
  });
});
