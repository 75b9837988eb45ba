import { Body, Controller, Delete, Headers, HttpCode, Param, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { FastifyRequest } from 'fastify';
import { writerOf } from '../../http/actor';
import { PinCommand } from '../pin.command';
import { parsePinRequest, pinWriteBody } from '../pin-request';
import { Api } from '../../http/openapi/api';
import { AnyJson, json, PinWrite } from '../../http/openapi/schemas';

@Controller()
export class UnpinManifestController {
  constructor(private readonly commandBus: CommandBus) {}

  @Delete('v2/:name/_pins/:digest')
  @Api({ summary: 'Removes a pin', headers: ['content-type'], body: { 'application/json': AnyJson }, responses: { 202: json(PinWrite) } })
  @HttpCode(202)
  async unpin(
    @Param('name') name: string,
    @Param('digest') digest: string,
    @Headers('content-type') contentType: string | undefined,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
  ) {
    const command = parsePinRequest('UnpinManifest', name, digest, body, contentType);
    return pinWriteBody(name, digest, await this.commandBus.execute(new PinCommand(command, writerOf(request))));
  }
}
