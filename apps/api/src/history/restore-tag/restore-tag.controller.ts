import { Body, Controller, Headers, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { assertRepositoryName, assertTagName } from '@tag-history/domain';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { TrustPolicy } from '../../auth/trust-policy';
import { writerOf } from '../../http/actor';
import { Idempotency } from '../../idempotency/idempotency';
import { etag, parseIfMatch } from '../../http/preconditions';
import { readJsonBody } from '../../http/request-body';
import { tagLocation, tagWriteBody } from '../../tags/tag-write-body';
import { RestoreTagCommand } from './restore-tag.command';
import { parseRestorePoint } from './restore-tag.request';
import { Api } from '../../http/openapi/api';
import { AnyJson, json, TagWrite, WRITE_ERRORS, WRITE_HEADERS } from '../../http/openapi/schemas';

@Controller()
export class RestoreTagController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly trust: TrustPolicy,
    private readonly idempotency: Idempotency,
  ) {}

  @Post('v2/:name/_tags/:tag/restore')
  @Api({
    summary: 'Sets a tag back to the target it had at a version or time',
    headers: ['content-type', 'if-match', 'idempotency-key'],
    body: { 'application/json': AnyJson },
    responses: { 200: json(TagWrite, WRITE_HEADERS), ...WRITE_ERRORS },
  })
  @HttpCode(200)
  async restore(
    @Param('name') name: string,
    @Param('tag') tag: string,
    @Headers() headers: Record<string, string | undefined>,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.idempotency.run(request, reply, async () => {
      assertRepositoryName(name);
      assertTagName(tag);
      // A restore carries no client signature, so it is a write like an unsigned PUT.
      this.trust.assertUnsignedAllowed(name);
      const expectedVersion = parseIfMatch(headers['if-match']);
      const point = parseRestorePoint(readJsonBody(body, headers['content-type'], ['application/json']));
      const result = await this.commandBus.execute(new RestoreTagCommand(name, tag, point, expectedVersion, writerOf(request)));
      void reply.header('etag', etag(result.state.version)).header('location', tagLocation(name, tag));
      return tagWriteBody(name, tag, result);
    });
  }
}
