import { Controller, Delete, Headers, Param, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { writerOf } from '../../http/actor';
import { etag } from '../../http/preconditions';
import { Idempotent } from '../../idempotency/idempotency.interceptor';
import { PolicyCommand } from './policy.command';
import { parseDeletePolicyRequest, policyWriteBody } from './policy-request';

@Controller()
export class DeletePolicyController {
  constructor(private readonly commandBus: CommandBus) {}

  @Delete('v2/_policies/:id')
  @Idempotent()
  async delete(
    @Param('id') id: string,
    @Headers() headers: Record<string, string | undefined>,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const result = await this.commandBus.execute(new PolicyCommand(parseDeletePolicyRequest(id, headers), writerOf(request)));
    void reply.status(200).header('etag', etag(result.state.version));
    return policyWriteBody(id, result);
  }
}
