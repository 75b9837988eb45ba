import { Controller, Delete, Headers, HttpCode, Param, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { assertRepositoryName, assertTagName } from '@tag-history/domain';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { writerOf } from '../../http/actor';
import { Idempotency } from '../../idempotency/idempotency';
import { etag, parseIfMatch } from '../../http/preconditions';
import { tagWriteBody } from '../tag-write-body';
import { TagWriteCommand } from '../execute-tag-command';
import { Api } from '../../http/openapi/api';
import { json, TagWrite, WRITE_ERRORS, WRITE_HEADERS } from '../../http/openapi/schemas';

@Controller()
export class DeleteTagController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly idempotency: Idempotency,
  ) {}

  @Delete('v2/:name/_tags/:tag')
  @Api({
    summary: 'Deletes a tag (its history is kept)',
    headers: ['if-match', 'idempotency-key'],
    responses: { 202: json(TagWrite, WRITE_HEADERS), ...WRITE_ERRORS },
  })
  @HttpCode(202)
  async delete(
    @Param('name') name: string,
    @Param('tag') tag: string,
    @Headers('if-match') ifMatch: string | undefined,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.idempotency.run(request, reply, async () => {
      assertRepositoryName(name);
      assertTagName(tag);
      const command = { type: 'DeleteTag', data: { repository: name, tag, expectedVersion: parseIfMatch(ifMatch) } } as const;
      const result = await this.commandBus.execute(new TagWriteCommand(command, writerOf(request)));
      void reply.header('etag', etag(result.state.version));
      return tagWriteBody(name, tag, result);
    });
  }
}
