import { Controller, Delete, Headers, Param, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { writerOf } from '../../http/actor';
import { etag } from '../../http/preconditions';
import { Idempotency } from '../../idempotency/idempotency';
import { Api } from '../../http/openapi/api';
import { ERROR, json, PolicyWrite, WRITE_HEADERS } from '../../http/openapi/schemas';
import { PolicyCommand } from './policy.command';
import { parseDeletePolicyRequest, policyWriteBody } from './policy-request';

@Controller()
export class DeletePolicyController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly idempotency: Idempotency,
  ) {}

  @Delete('v2/_policies/:id')
  @Api({
    summary: 'Deletes a policy (administrators); its history stays',
    headers: ['if-match', 'idempotency-key'],
    responses: { 200: json(PolicyWrite, WRITE_HEADERS), 412: ERROR, 422: ERROR, 429: ERROR },
  })
  async delete(
    @Param('id') id: string,
    @Headers() headers: Record<string, string | undefined>,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.idempotency.run(request, reply, async () => {
      const result = await this.commandBus.execute(new PolicyCommand(parseDeletePolicyRequest(id, headers), writerOf(request)));
      void reply.status(200).header('etag', etag(result.state.version));
      return policyWriteBody(id, result);
    });
  }
}
