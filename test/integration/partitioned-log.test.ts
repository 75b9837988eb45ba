import { connect, type Connection, type Database, extendLogPartitions, migrate } from '@tag-history/database';
import type { TagCommand } from '@tag-history/domain';
import { type EventStore, registerSigningKey, verifyLog } from '@tag-history/event-store';
import { checkProjections } from '@tag-history/projections';
import { loadSigningKey } from '@tag-history/signing';
import { Kysely, Migrator, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { createEventStore } from '../../apps/api/src/infrastructure/open-infrastructure';
import { loadLogKeys } from '../../apps/api/src/infrastructure/transparency/log-keys';
import { LogIntegrator } from '../../apps/api/src/infrastructure/transparency/log-integrator';
import { verifyTree } from '../../apps/api/src/infrastructure/transparency/verify-tree';
import { executeTagCommand } from '../../apps/api/src/tags/execute-tag-command';
import { loadRepository } from '../../bench/bulk-load-log';
import { migrations } from '../../libs/database/src/migrations';
import { target } from '../support/fixtures';
import { createTestDatabase, onPostgres, type TestDatabase } from '../support/test-infrastructure';

/*
 * Migration 0011 turns `events` into a table partitioned by position. An
 * existing log is converted in place: same rows, same positions, same hash
 * chain, same projections; verify-log and the transparency tree still pass,
 * and every query of the log still reads an index.
 */

/** The last migration before 0011: the log as it was before it was partitioned. */
const BEFORE = Object.keys(migrations)[Object.keys(migrations).indexOf('0011-partitioned-log') - 1]!;

async function migrateTo(connection: Connection, name: string): Promise<void> {
  const migrator = new Migrator({ db: connection.db, provider: { getMigrations: async () => migrations } });
  const { error } = await migrator.migrateTo(name);
  if (error) throw error;
}

/**
 * Everything about the log and its projections that the conversion must keep,
 * as checksums: a sum of row hashes, each row with its key, so a changed,
 * lost or moved row changes it. One scan per table, however large.
 */
async function fingerprint(db: Kysely<Database>) {
  const sum = (row: string) => sql.raw(`sum(('x' || left(md5(${row}::text), 15))::bit(60)::bigint)::text`);
  const { rows } = await sql<Record<string, string | number>>`
    select
      (select count(*) from events) as events,
      (select min(position) from events) as first,
      (select max(position) from events) as last,
      (select ${sum('e')} from events e) as log,
      (select ${sum('t')} from tags t) as tags,
      (select ${sum('h')} from tag_history h) as history,
      (select ${sum('s')} from streams s) as streams,
      (select position from log_head) as head`.execute(db);
  return rows[0]!;
}

/** Events whose prev_hash is not their stream's previous event's hash, counted in SQL (the whole log, however large). */
async function brokenLinks(db: Kysely<Database>): Promise<number> {
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from (
      select prev_hash, lag(hash) over (partition by stream_id order by version) as previous from events
    ) e where e.prev_hash is distinct from e.previous`.execute(db);
  return rows[0]!.n;
}

async function partitions(connection: Connection): Promise<{ name: string; bound: string }[]> {
  const { rows } = await sql<{ name: string; bound: string }>`
    select c.relname as name, pg_get_expr(c.relpartbound, c.oid) as bound from pg_inherits i join pg_class c on c.oid = i.inhrelid
    where i.inhparent = 'events'::regclass order by c.relname`.execute(connection.db);
  return rows;
}

/** The plan of `query`: must read an index of every partition it touches, never scan one. */
async function plan(db: Kysely<Database>, query: string): Promise<string> {
  const { rows } = await sql<{ 'QUERY PLAN': string }>`explain ${sql.raw(query)}`.execute(db);
  return rows.map((r) => r['QUERY PLAN']).join('\n');
}

/** The reads of the log the service makes (see libs/queries, the event store, the transparency log). */
const LOG_QUERIES = [
  `select * from events where position = 5`,
  `select * from events where position > 100 order by position limit 100`,
  `select * from events where stream_id = 'pl/app:t1' and version = 2`,
  `select * from events where stream_id = 'pl/app:t1' order by version desc limit 10`,
  `select * from events where data->>'repository' = 'pl/app' and position > 10 order by position limit 100`,
  `select * from events where actor = 'alice' order by position desc limit 100`,
  `select * from events where type = 'TagDeleted' order by position desc limit 100`,
];

function put(repository: string, tag: string, seed: string): TagCommand {
  return { type: 'PutTag', data: { repository, tag, target: target(seed) } };
}

async function write(store: EventStore, count: number, round: string): Promise<void> {
  for (let i = 0; i < count; i += 10) {
    await Promise.all(
      Array.from({ length: Math.min(10, count - i) }, (_, j) =>
        executeTagCommand(
          store,
          j === 9 ? { type: 'DeleteTag', data: { repository: 'pl/app', tag: 't0' } } : put('pl/app', `t${j}`, `${round}-${i + j}`),
          { actor: j % 2 ? 'alice' : 'bob' },
          () => new Date(),
        ),
      ),
    );
  }
}

describe('the partitioned log (migration 0011)', () => {
  let database: TestDatabase;
  let connection: Connection;
  beforeAll(async () => {
    database = await createTestDatabase();
    if (database.config.storage.kind === 'postgres') database.config.storage.poolSize = 4;
    connection = connect(database.config.storage);
  });
  afterAll(async () => {
    await connection.db.destroy();
    await database.drop();
  });

  it('converts a signed log in place, keeps verify-log and the transparency tree passing, and grows across new partitions', async () => {
    await migrateTo(connection, BEFORE);
    const key = await loadSigningKey(database.config.signingKey);
    await registerSigningKey(connection.db, key);
    const store = createEventStore(connection, key);
    await write(store, 200, 'before');
    const integrator = new LogIntegrator(connection.db, loadLogKeys(database.config.transparency), () => new Date());
    await integrator.integrateAll();
    const before = await fingerprint(connection.db);
    expect(Number(before.events)).toBe(200);

    await migrate(connection.db);

    expect(await fingerprint(connection.db)).toEqual(before);
    const { rows } = await sql<{ kind: string }>`select relkind::text as kind from pg_class where relname = 'events'`.execute(connection.db);
    expect(rows[0]!.kind).toBe('p');
    const made = await partitions(connection);
    expect(made[0]).toEqual({ name: 'events_from_1', bound: `FOR VALUES FROM ('1') TO ('${Number(before.head) + 1}')` });
    expect(made.length).toBe(2); // and one partition of room ahead
    expect((await verifyLog(connection.db)).broken).toEqual([]);
    expect((await verifyTree(connection.db)).problems).toEqual([]);

    // Small partitions, so that the next writes cross several bounds; the keeper makes them ahead.
    // (The empty partition ahead is dropped for that: an operator changes the size the same way.)
    const empty = made[1]!.name;
    await sql`alter table events detach partition ${sql.id(empty)}`.execute(connection.db);
    await sql`drop table ${sql.id(empty)}`.execute(connection.db);
    await sql`update log_partitioning set size = 50, until = ${Number(before.head) + 1}`.execute(connection.db);
    for (let round = 0; round < 3; round++) {
      await extendLogPartitions(connection.db);
      await write(store, 40, `after-${round}`);
    }
    // 120 events past 200, 50 to a partition, and a whole partition of room kept ahead: [201, 251) ... [351, 401).
    await extendLogPartitions(connection.db);
    expect((await partitions(connection)).map((p) => p.name)).toEqual([
      'events_from_1',
      'events_from_201',
      'events_from_251',
      'events_from_301',
      'events_from_351',
    ]);
    await integrator.integrateAll();
    const verified = await verifyLog(connection.db);
    expect(verified.broken).toEqual([]);
    expect(verified.events).toBe(Number((await fingerprint(connection.db)).head));
    expect((await verifyTree(connection.db)).problems).toEqual([]);
    expect((await checkProjections(connection.db)).differences.filter((d) => d.onlyLive + d.onlyRebuilt > 0)).toEqual([]);
    expect(await brokenLinks(connection.db)).toBe(0);

    // Every read of the log is an index read, also when the planner is steered away from the others' scans.
    await connection.db.connection().execute(async (conn) => {
      await sql`set enable_seqscan = off`.execute(conn);
      try {
        for (const query of LOG_QUERIES) {
          const text = await plan(conn, query);
          expect({ query, seq: /Seq Scan/.test(text) }).toEqual({ query, seq: false });
        }
      } finally {
        await sql`reset enable_seqscan`.execute(conn);
      }
    });
  });
});

/*
 * The same conversion on a log of a million events (Postgres: the bench's
 * set-based loader writes it; its JWS are stand-ins, not signatures, so the
 * hash chain is checked in SQL, and verify-log runs on the signed log above).
 */
const describeMillion = onPostgres ? describe : describe.skip;

describeMillion('the partition migration on 10^6 events', () => {
  let database: TestDatabase;
  let connection: Connection;
  let pool: pg.Pool;
  beforeAll(async () => {
    database = await createTestDatabase();
    if (database.config.storage.kind !== 'postgres') return;
    connection = connect({ ...database.config.storage, poolSize: 2 });
    pool = new pg.Pool({ connectionString: database.config.storage.url, max: 1 });
  });
  afterAll(async () => {
    await connection?.db.destroy();
    await database.drop();
  });

  it('keeps every position, hash and projection row, and each query of the log on its index', async () => {
    await migrateTo(connection, BEFORE);
    // Short stand-ins for the JWS: the rows' size is not what this checks, and CI time is.
    await loadRepository(pool, { repository: 'scale/c1', tags: 10_000, events: 1_000_000, jws: 'not-a-jws' });
    await pool.query('analyze');
    // The checks scan a million rows: on a loaded machine longer than the service's statement timeout.
    const unbounded = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
    const before = await fingerprint(unbounded);
    expect(Number(before.events)).toBe(1_000_000);

    await migrate(connection.db);

    expect(await fingerprint(unbounded)).toEqual(before);
    expect(await brokenLinks(unbounded)).toBe(0);
    expect((await partitions(connection))[0]!.bound).toBe(`FOR VALUES FROM ('1') TO ('1000001')`);
    await pool.query('analyze events');
    await unbounded.destroy();
    // The planner may scan the empty partition ahead (nothing to read there); the million rows must be read by index.
    for (const query of LOG_QUERIES.map((q) => q.replaceAll('pl/app', 'scale/c1').replaceAll("'alice'", "'bench'"))) {
      const text = await plan(connection.db, query);
      const scanned = [...text.matchAll(/Seq Scan on (\w+)/g)].map((m) => m[1]);
      expect({ query, scanned }).toEqual({ query, scanned: scanned.filter((name) => name !== 'events_from_1') });
      expect({ query, indexed: /Index (Only )?Scan.* on events_from_1\b/.test(text) }).toEqual({ query, indexed: true });
    }
  }, 600_000);
});
