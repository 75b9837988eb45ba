import type { Database } from '@tag-history/database';
import { assertRepositoryName, assertTagName, tagStreamId } from '@tag-history/domain';
import type { FastifyInstance } from 'fastify';
import { CompiledQuery, type Kysely } from 'kysely';
import type pg from 'pg';
import { parseQuery } from '../../http/input/query-schema';
import { MIN_POSITION_HEADER } from '../../http/read-your-writes';
import { tagEventsJsonSelect } from '../../queries/tag-history/tag-events-json-select';
import { versionBound } from '../../queries/tag-history/version-bound';
import { MAX_HISTORY_PAGE } from '../history-page';
import { HISTORY_CONTENT_TYPE, HISTORY_QUERY, historyBody, historyLink } from './history-answer';

const ROUTE = '/v2/:name/_tags/:tag/history';

interface Row {
  version: number;
  json: string | null;
}

/**
 * A page of a tag's history, answered before Nest: a GET of the JSON route,
 * without `proof`, without authentication configured and without
 * `Tag-History-Min-Position`, whose select comes back with more rows than
 * the page (older events remain: no archive or unknown-tag question) and
 * every event's JSON written by Postgres. The answer is the one
 * TagHistoryController gives (the same select, body, Link and content type),
 * a failed select's error too; everything else goes the ordinary way, which
 * reads again. The SQL is compiled once, not built per request; with a
 * single database it goes straight to the pg pool (unnamed statements, as
 * Kysely sends them: a transaction-mode pooler may sit in between).
 */
export function installFastHistory(fastify: FastifyInstance, readDb: Kysely<Database>, pool: pg.Pool | undefined): void {
  // Compiled with placeholders; the parameters are, in order, the stream, the cursor (when given) and the limit.
  const cursorSql = tagEventsJsonSelect(readDb, '', 0, 0).compile().sql;
  const newestSql = tagEventsJsonSelect(readDb, '', 0).compile().sql;
  const select = pool
    ? async (sql: string, parameters: unknown[]) => (await pool.query<Row>(sql, parameters)).rows
    : async (sql: string, parameters: unknown[]) => (await readDb.executeQuery<Row>(CompiledQuery.raw(sql, parameters))).rows;

  fastify.addHook('onRequest', (request, reply, done) => {
    if (request.method !== 'GET' || request.routeOptions.url !== ROUTE || request.headers[MIN_POSITION_HEADER] !== undefined) return done();
    const { name, tag } = request.params as { name: string; tag: string };
    let size: number;
    let last: number | undefined;
    try {
      assertRepositoryName(name);
      assertTagName(tag);
      const query = parseQuery(request.query, HISTORY_QUERY);
      if (query.proof) return done();
      size = query.n ?? MAX_HISTORY_PAGE;
      last = versionBound(query.last);
    } catch {
      return done();
    }
    const streamId = tagStreamId(name, tag);
    const read = last === undefined ? select(newestSql, [streamId, size + 1]) : select(cursorSql, [streamId, last, size + 1]);
    read.then(
      (rows) => {
        if (rows.length <= size) return done();
        let events = '';
        for (let i = 0; i < size; i++) {
          const json = rows[i]!.json;
          if (json === null) return done();
          events += i === 0 ? json : `,${json}`;
        }
        const link = historyLink(name, tag, size, true, rows[size - 1]?.version);
        if (link) void reply.header('link', link);
        void reply.header('content-type', HISTORY_CONTENT_TYPE).send(historyBody(name, tag, events));
      },
      // The controller would run the same select and meet the same failure: it gets the error now, instead of
      // waiting for a connection, or for the statement timeout, a second time.
      (error: unknown) => done(error as Error),
    );
  });
}
