import { Body, Controller, Headers, HttpCode, Post, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { TrustPolicy } from '../../auth/trust-policy';
import { principalOf } from '../../auth/principal';
import { writerOf } from '../../http/actor';
import { Idempotency } from '../../idempotency/idempotency';
import { readJsonBody } from '../../http/request-body';
import { tagWriteBody } from '../../tags/tag-write-body';
import { BatchAdmission } from './batch-admission';
import { BatchCommand } from './batch.command';
import { atIndex, parseBatch } from './batch.request';
import { Type } from '@sinclair/typebox';
import { Api } from '../../http/openapi/api';
import { AnyJson, json, TagWrite, WRITE_ERRORS } from '../../http/openapi/schemas';

/** Create, move and delete many tags, in any repositories, in one transaction. */
@Controller()
export class BatchController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly trust: TrustPolicy,
    private readonly admission: BatchAdmission,
    private readonly idempotency: Idempotency,
  ) {}

  @Post('v2/_batch')
  @Api({
    summary: 'Creates, moves and deletes many tags in one transaction',
    headers: ['content-type', 'idempotency-key'],
    body: { 'application/json': AnyJson },
    responses: { 200: json(Type.Object({ operations: Type.Array(TagWrite) }), ['idempotent-replayed', 'tag-history-position']), ...WRITE_ERRORS },
  })
  @HttpCode(200)
  async batch(
    @Headers('content-type') contentType: string | undefined,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.idempotency.run(request, reply, async () => {
      const operations = parseBatch(readJsonBody(body, contentType, ['application/json']));
      // Batch operations carry no client signatures: each is a write like an unsigned PUT.
      operations.forEach(({ command }, i) => atIndex(i, () => this.trust.assertUnsignedAllowed(command.data.repository)));
      const writer = writerOf(request);
      const run = () => this.commandBus.execute(new BatchCommand(operations, writer));
      // Fairness is between authenticated callers. Without authentication the service listens on 127.0.0.1 only and
      // every caller is the one `anonymous`: admitting one batch at a time would serialise the only tenant it has.
      const principal = principalOf(request);
      const results = principal ? await this.admission.run(principal.sub, run) : await run();
      return {
        operations: results.map((result, i) => {
          const { repository, tag } = operations[i]!.command.data;
          return { op: operations[i]!.op, ...tagWriteBody(repository, tag, result) };
        }),
      };
    });
  }
}
