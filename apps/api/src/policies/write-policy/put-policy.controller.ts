import { Body, Controller, Headers, Param, Put, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { writerOf } from '../../http/actor';
import { etag } from '../../http/preconditions';
import { Idempotency } from '../../idempotency/idempotency';
import { Api } from '../../http/openapi/api';
import { AnyJson, ERROR, json, PolicyWrite, WRITE_HEADERS } from '../../http/openapi/schemas';
import { PolicyCommand } from './policy.command';
import { parsePutPolicyRequest, policyWriteBody } from './policy-request';

/** Administrators only: `/v2/_...` writes need `registry:catalog:*` (auth/required-scopes.ts). */
@Controller()
export class PutPolicyController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly idempotency: Idempotency,
  ) {}

  @Put('v2/_policies/:id')
  @Api({
    summary: 'Creates or changes a policy (administrators)',
    headers: ['content-type', 'if-match', 'if-none-match', 'idempotency-key'],
    body: { 'application/json': AnyJson },
    responses: { 200: json(PolicyWrite, WRITE_HEADERS), 201: json(PolicyWrite, WRITE_HEADERS), 412: ERROR, 422: ERROR, 429: ERROR },
  })
  async put(
    @Param('id') id: string,
    @Headers() headers: Record<string, string | undefined>,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.idempotency.run(request, reply, async () => {
      const result = await this.commandBus.execute(new PolicyCommand(parsePutPolicyRequest(id, headers, body), writerOf(request)));
      const created = result.events[0]?.type === 'PolicyCreated';
      void reply
        .status(created ? 201 : 200)
        .header('etag', etag(result.state.version))
        .header('location', `/v2/_policies/${id}`);
      return policyWriteBody(id, result);
    });
  }
}
