import { Controller, Get, Inject, Query } from '@nestjs/common';
import { Type } from '@sinclair/typebox';
import { LogReader } from '../../infrastructure/transparency/log-reader';
import { Api } from '../../http/openapi/api';
import { Count, json, LogHash } from '../../http/openapi/schemas';
import { count, required } from '../../http/input/query-params';
import { parseQuery, type RawQuery } from '../../http/input/query-schema';

const QUERY = { from: required(count()), to: count() };

/** RFC 6962 consistency proof between two signed tree sizes (`to` defaults to the latest checkpoint). */
@Controller()
export class ProveConsistencyController {
  constructor(@Inject(LogReader) private readonly log: LogReader) {}

  @Get('v2/_log/proof/consistency')
  @Api({
    summary: 'RFC 6962 consistency proof',
    query: QUERY,
    responses: { 200: json(Type.Object({ from: Count, to: Count, hashes: Type.Array(LogHash) })) },
  })
  prove(@Query() query: RawQuery) {
    const { from, to } = parseQuery(query, QUERY);
    return this.log.consistency(from, to);
  }
}
