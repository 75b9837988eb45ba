import { copyOutLines, inlineQuery } from '@tag-history/database';
import { sql } from 'kysely';
import { createTestInfrastructure, onPostgres, type TestInfrastructure } from '../support/test-infrastructure';

let infra: TestInfrastructure;
beforeAll(async () => {
  infra = await createTestInfrastructure();
});
afterAll(() => infra.close());

describe('inlineQuery', () => {
  it('writes parameters as literals that Postgres reads back as they were', async () => {
    const text = `it's a \\ "test" ${'é'}`;
    const query = sql<{
      t: string;
      n: number;
      a: string[];
      e: string[];
      z: null;
    }>`select ${text}::text as t, ${-5}::bigint - 1 as n, ${['a', "b'c"]}::text[] as a, ${[]}::text[] as e, ${null}::text as z`;
    const inlined = inlineQuery(query);
    expect(inlined).not.toMatch(/\$\d/);
    const { rows } = await sql.raw<{ t: string; n: number; a: string[]; e: string[]; z: null }>(inlined).execute(infra.db);
    expect(rows).toEqual([{ t: text, n: -6, a: ['a', "b'c"], e: [], z: null }]);
  });
});

describe('copyOutLines', () => {
  it('is offered only where there is a socket to read a copy from (Postgres; PGlite pages through a cursor)', async () => {
    const dedicated = infra.readDedicated(10_000);
    try {
      const client = await dedicated.db.connection().execute(async () => dedicated.client?.());
      expect(client !== undefined).toBe(infra.storage === 'postgres');
    } finally {
      await dedicated.release();
    }
  });

  // A copy needs pg's socket: on PGlite there is none to run these on (the test above holds on both).
  if (onPostgres) {
    it('streams whole lines as they are (multi-byte, backslashes, longer than a text), waits for a slow sink, and reports errors', async () => {
      const client = await infra.pool!.connect();
      try {
        const long = 'x'.repeat(100_000);
        const select = `select case when i = 7 then '${long}' else 'é\\"' || i end || E'\\n' from generate_series(1, 20000) as i`;
        const texts: string[] = [];
        const rows = await copyOutLines(client, select, (text) => {
          texts.push(text);
          return texts.length % 3 === 0 ? new Promise((r) => setTimeout(() => r(true), 5)) : true;
        });
        expect(rows).toBe(20_000);
        const lines = texts.join('').split('\n').slice(0, -1);
        expect(lines).toEqual(Array.from({ length: 20_000 }, (_, i) => (i + 1 === 7 ? long : `é\\"${i + 1}`)));
        expect(texts.every((text) => text.endsWith('\n'))).toBe(true);
        // A failing query is an error, and the connection goes on.
        await expect(copyOutLines(client, `select (1 / (i - 500))::text from generate_series(1, 1000) as i`, () => true)).rejects.toThrow(/division by zero/);
        expect((await client.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
      } finally {
        client.release();
      }
    });

    it('closes the connection when the sink stops taking lines', async () => {
      const client = await infra.pool!.connect();
      try {
        await expect(copyOutLines(client, `select repeat('y', 100) || i from generate_series(1, 100000) as i`, () => false)).rejects.toThrow();
      } finally {
        client.release(true);
      }
    });
  }
});
