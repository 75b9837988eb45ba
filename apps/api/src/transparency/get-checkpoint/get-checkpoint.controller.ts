import { Controller, Get, Header, Inject } from '@nestjs/common';
import { TagHistoryError } from '@tag-history/domain';
import { IntegratorLoop } from '../../infrastructure/transparency/integrator-loop';
import { LogReader } from '../../infrastructure/transparency/log-reader';
import { Api } from '../../http/openapi/api';
import { Text } from '../../http/openapi/schemas';

/** The latest signed checkpoint (C2SP tlog-checkpoint in a signed note), with its timestamp and witness cosignatures. */
@Controller()
export class GetCheckpointController {
  constructor(
    @Inject(LogReader) private readonly log: LogReader,
    @Inject(IntegratorLoop) private readonly integrator: IntegratorLoop,
  ) {}

  @Get('v2/_log/checkpoint')
  @Api({ summary: 'The latest signed checkpoint (C2SP signed note)', responses: { 200: { content: { 'text/plain': Text }, headers: ['cache-control'] } } })
  @Header('content-type', 'text/plain; charset=utf-8')
  @Header('cache-control', 'no-store')
  async checkpoint(): Promise<string> {
    // Right after the first start there may be no checkpoint yet: sign the empty tree's now.
    const checkpoint = (await this.log.checkpoint()) ?? (await this.integrator.integrateNow(), await this.log.checkpoint());
    if (!checkpoint) throw new TagHistoryError('UNAVAILABLE', 'no checkpoint has been signed yet', {});
    return checkpoint.note;
  }
}
