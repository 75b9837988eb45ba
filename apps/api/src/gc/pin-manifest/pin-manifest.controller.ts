import { Body, Controller, Headers, Param, Put, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { writerOf } from '../../http/actor';
import { parsePinRequest, pinWriteBody } from '../pin-request';
import { PinCommand } from '../pin.command';
import { Api } from '../../http/openapi/api';
import { AnyJson, ERROR, json, PinWrite } from '../../http/openapi/schemas';

@Controller()
export class PinManifestController {
  constructor(private readonly commandBus: CommandBus) {}

  @Put('v2/:name/_pins/:digest')
  @Api({
    summary: 'Pins a manifest: GC keeps it',
    headers: ['content-type'],
    body: { 'application/json': AnyJson },
    responses: { 200: json(PinWrite), 201: json(PinWrite), 409: ERROR },
  })
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
