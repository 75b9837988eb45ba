import { Controller, Get, Inject, Query } from '@nestjs/common';
import { DATABASE, type Database } from '@tag-history/database';
import { verifyLog } from '@tag-history/event-store';
import type { Kysely } from 'kysely';
import { verifyTree } from '../../infrastructure/transparency/verify-tree';
import { Type } from '@sinclair/typebox';
import { Api } from '../../http/openapi/api';
import { json } from '../../http/openapi/schemas';
import { repositoryName } from '../../http/input/query-params';
import { parseQuery, type RawQuery } from '../../http/input/query-schema';

const QUERY = { repository: repositoryName() };

/**
 * Checks every event's signature (retired keys included), its columns and
 * each stream's hash chain; for the whole log, also the Merkle tree against a rebuild from the log.
 */
@Controller()
export class VerifyLogController {
  constructor(@Inject(DATABASE) private readonly db: Kysely<Database>) {}

  @Get('v2/_log/verify')
  @Api({ summary: 'Checks every signature and hash link of the log (or of one repository)', query: QUERY, responses: { 200: json(Type.Object({ ok: Type.Boolean() })) } })
  async verify(@Query() query: RawQuery) {
    const { repository } = parseQuery(query, QUERY);
    const log = await verifyLog(this.db, { repository });
    if (repository !== undefined) return log;
    const tree = await verifyTree(this.db);
    return { ...log, ok: log.ok && tree.ok, tree };
  }
}
