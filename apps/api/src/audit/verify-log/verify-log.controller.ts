import { Controller, Get, Inject, Query } from '@nestjs/common';
import { type Connection, DATABASE, DEDICATED_CONNECTION, type Database } from '@tag-history/database';
import { verifyLog } from '@tag-history/event-store';
import type { Kysely } from 'kysely';
import { verifyTree } from '../../infrastructure/transparency/verify-tree';
import { Type } from '@sinclair/typebox';
import { Api } from '../../http/openapi/api';
import { json } from '../../http/openapi/schemas';
import { repositoryName } from '../../http/input/query-params';
import { parseQuery, type RawQuery } from '../../http/input/query-schema';

const QUERY = { repository: repositoryName() };

/** The verification reads without pause; a connection that sits idle this long in its transaction is ended by the server. */
const VERIFY_IDLE_MS = 60_000;

/**
 * Checks every event's signature (retired keys included), its columns and
 * each stream's hash chain; for the whole log, also the Merkle tree against a rebuild from the log.
 * The log is read on a connection of its own, so a long verification takes none of the writers'.
 */
@Controller()
export class VerifyLogController {
  constructor(
    @Inject(DATABASE) private readonly db: Kysely<Database>,
    @Inject(DEDICATED_CONNECTION) private readonly dedicated: Connection['dedicated'],
  ) {}

  @Get('v2/_log/verify')
  @Api({
    summary: 'Checks every signature and hash link of the log (or of one repository)',
    query: QUERY,
    responses: { 200: json(Type.Object({ ok: Type.Boolean() })) },
  })
  async verify(@Query() query: RawQuery) {
    const { repository } = parseQuery(query, QUERY);
    const connection = this.dedicated(VERIFY_IDLE_MS);
    let log;
    try {
      log = await verifyLog(connection.db, { repository });
    } finally {
      await connection.release();
    }
    if (repository !== undefined) return log;
    const tree = await verifyTree(this.db);
    return { ...log, ok: log.ok && tree.ok, tree };
  }
}
