import { Body, Controller, Headers, Param, Put, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { TrustPolicy } from '../../auth/trust-policy';
import { writerOf } from '../../http/actor';
import { Idempotency } from '../../idempotency/idempotency';
import { etag } from '../../http/preconditions';
import { tagLocation, tagWriteBody } from '../tag-write-body';
import { TagWriteCommand } from '../execute-tag-command';
import { parsePutTagRequest } from './put-tag.request';
import { Api } from '../../http/openapi/api';
import { AnyJson, json, TagWrite, Text, WRITE_ERRORS, WRITE_HEADERS } from '../../http/openapi/schemas';

@Controller()
export class PutTagController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly trust: TrustPolicy,
    private readonly idempotency: Idempotency,
  ) {}

  @Put('v2/:name/_tags/:tag')
  @Api({
    summary: 'Creates or moves a tag',
    headers: ['content-type', 'if-match', 'if-none-match', 'idempotency-key'],
    body: {
      'application/vnd.docker.distribution.tag.v1+json': AnyJson,
      'application/json': AnyJson,
      'application/vnd.docker.distribution.tag.v1+jws': AnyJson,
      'application/vnd.docker.distribution.tag.v1+prettyjws': Text,
    },
    responses: { 200: json(TagWrite, WRITE_HEADERS), 201: json(TagWrite, WRITE_HEADERS), ...WRITE_ERRORS },
  })
  async put(
    @Param('name') name: string,
    @Param('tag') tag: string,
    @Headers() headers: Record<string, string | undefined>,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.idempotency.run(request, reply, async () => {
      const command = await parsePutTagRequest({ name, tag, headers, body }, this.trust);
      const result = await this.commandBus.execute(new TagWriteCommand(command, writerOf(request)));
      const created = result.events[0]?.type === 'TagCreated';
      void reply
        .status(created ? 201 : 200)
        .header('etag', etag(result.state.version))
        .header('location', tagLocation(name, tag));
      return tagWriteBody(name, tag, result);
    });
  }
}
