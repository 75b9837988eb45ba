import { Body, Controller, Headers, Param, Put, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { writerOf } from '../../http/actor';
import { parsePinRequest, pinWriteBody } from '../pin-request';
import { PinCommand } from './pin.command';

@Controller()
export class PinManifestController {
  constructor(private readonly commandBus: CommandBus) {}

  @Put('v2/:name/_pins/:digest')
  async pin(
    @Param('name') name: string,
    @Param('digest') digest: string,
    @Headers('content-type') contentType: string | undefined,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const command = parsePinRequest('PinManifest', name, digest, body, contentType);
    const result = await this.commandBus.execute(new PinCommand(command, writerOf(request)));
    void reply.status(result.events.length > 0 ? 201 : 200);
    return pinWriteBody(name, digest, result);
  }
}
