import { Body, Controller, Headers, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { assertRepositoryName, assertTagName } from '@tag-history/domain';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { actorOf } from '../../http/actor';
import { etag, parseIfMatch } from '../../http/preconditions';
import { readJsonBody } from '../../http/request-body';
import { tagLocation, tagWriteBody } from '../../tags/tag-write-body';
import { RestoreTagCommand } from './restore-tag.command';
import { parseRestorePoint } from './restore-tag.request';

@Controller()
export class RestoreTagController {
  constructor(private readonly commandBus: CommandBus) {}

  @Post('v2/:name/_tags/:tag/restore')
  @HttpCode(200)
  async restore(
    @Param('name') name: string,
    @Param('tag') tag: string,
    @Headers() headers: Record<string, string | undefined>,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    assertRepositoryName(name);
    assertTagName(tag);
    const expectedVersion = parseIfMatch(headers['if-match']);
    const point = parseRestorePoint(readJsonBody(body, headers['content-type'], ['application/json']));
    const result = await this.commandBus.execute(new RestoreTagCommand(name, tag, point, expectedVersion, actorOf(request)));
    void reply.header('etag', etag(result.state.version)).header('location', tagLocation(name, tag));
    return tagWriteBody(name, tag, result);
  }
}
