import { Controller, Get, Inject, Query } from '@nestjs/common';
import { LogReader } from '../../infrastructure/transparency/log-reader';
import { Api } from '../../http/openapi/api';
import { InclusionProof, json } from '../../http/openapi/schemas';
import { count, required } from '../../http/input/query-params';
import { parseQuery, type RawQuery } from '../../http/input/query-schema';

const QUERY = { position: required(count()), size: count() };

/** RFC 6962 inclusion proof of the event at `position` in the signed tree of `size` (default: the latest checkpoint). */
@Controller()
export class ProveInclusionController {
  constructor(@Inject(LogReader) private readonly log: LogReader) {}

  @Get('v2/_log/proof/inclusion')
  @Api({ summary: 'RFC 6962 inclusion proof', query: QUERY, responses: { 200: json(InclusionProof) } })
  prove(@Query() query: RawQuery) {
    const { position, size } = parseQuery(query, QUERY);
    return this.log.inclusion(position, size);
  }
}
