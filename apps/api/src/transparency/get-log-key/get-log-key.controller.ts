import { Controller, Get, Header, Inject } from '@nestjs/common';
import { LOG_KEYS, type LogKeys } from '../../infrastructure/transparency/log-keys';
import { Api } from '../../http/openapi/api';
import { Text } from '../../http/openapi/schemas';

/** The verifier keys to pin: the checkpoint key on the first line, the timestamp cosigner's on the second. */
@Controller()
export class GetLogKeyController {
  constructor(@Inject(LOG_KEYS) private readonly keys: LogKeys) {}

  @Get('v2/_log/key')
  @Api({ summary: "The checkpoint signer's verifier key", responses: { 200: { content: { 'text/plain': Text } } } })
  @Header('content-type', 'text/plain; charset=utf-8')
  key(): string {
    return `${this.keys.checkpoint.text}\n${this.keys.timestamp.text}\n`;
  }
}
