import { Controller, Get, Inject, Query } from '@nestjs/common';
import { LogReader } from '../../infrastructure/transparency/log-reader';
import { parseLogNumber } from '../log-size';
import { Type } from '@sinclair/typebox';
import { Api } from '../../http/openapi/api';
import { json } from '../../http/openapi/schemas';
import { count } from '../../http/input/query-params';

/** RFC 6962 consistency proof between two signed tree sizes (`to` defaults to the latest checkpoint). */
@Controller()
export class ProveConsistencyController {
  constructor(@Inject(LogReader) private readonly log: LogReader) {}

  @Get('v2/_log/proof/consistency')
  @Api({ summary: 'RFC 6962 consistency proof', query: { from: count(), to: count() }, responses: { 200: json(Type.Object({})) } })
  prove(@Query('from') from: unknown, @Query('to') to: unknown) {
    return this.log.consistency(parseLogNumber('from', from, true)!, parseLogNumber('to', to, false));
  }
}
