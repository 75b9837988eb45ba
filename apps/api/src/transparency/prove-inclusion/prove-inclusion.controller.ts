import { Controller, Get, Inject, Query } from '@nestjs/common';
import { LogReader } from '../../infrastructure/transparency/log-reader';
import { parseLogNumber } from '../log-size';

/** RFC 6962 inclusion proof of the event at `position` in the signed tree of `size` (default: the latest checkpoint). */
@Controller()
export class ProveInclusionController {
  constructor(@Inject(LogReader) private readonly log: LogReader) {}

  @Get('v2/_log/proof/inclusion')
  prove(@Query('position') position: unknown, @Query('size') size: unknown) {
    return this.log.inclusion(parseLogNumber('position', position, true)!, parseLogNumber('size', size, false));
  }
}
