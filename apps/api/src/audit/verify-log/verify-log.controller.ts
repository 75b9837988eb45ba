import { Controller, Get, Inject, Query } from '@nestjs/common';
import { DATABASE, type Database } from '@tag-history/database';
import { verifyLog } from '@tag-history/event-store';
import type { Kysely } from 'kysely';
import { repositoryName } from '../../http/input/query-params';
import { parseQuery, QueryParams, type RawQuery } from '../../http/input/query-schema';

const QUERY = { repository: repositoryName() };

/** Checks every event's signature (retired keys included), its columns and each stream's hash chain. */
@Controller()
export class VerifyLogController {
  constructor(@Inject(DATABASE) private readonly db: Kysely<Database>) {}

  @Get('v2/_log/verify')
  @QueryParams(QUERY)
  async verify(@Query() query: RawQuery) {
    return verifyLog(this.db, parseQuery(query, QUERY));
  }
}
