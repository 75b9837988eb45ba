import { Controller, Get, Inject, Query } from '@nestjs/common';
import { LogReader } from '../../infrastructure/transparency/log-reader';
import { parseLogNumber } from '../log-size';
import { Type } from '@sinclair/typebox';
import { Api } from '../../http/openapi/api';
import { json } from '../../http/openapi/schemas';
import { count } from '../../http/input/query-params';

/** RFC 6962 inclusion proof of the event at `position` in the signed tree of `size` (default: the latest checkpoint). */
@Controller()
export class ProveInclusionController {
  constructor(@Inject(LogReader) private readonly log: LogReader) {}

  @Get('v2/_log/proof/inclusion')
  @Api({ summary: 'RFC 6962 inclusion proof', query: { position: count(), size: count() }, responses: { 200: json(Type.Object({})) } })
  prove(@Query('position') position: unknown, @Query('size') size: unknown) {
    return this.log.inclusion(parseLogNumber('position', position, true)!, parseLogNumber('size', size, false));
  }
}
