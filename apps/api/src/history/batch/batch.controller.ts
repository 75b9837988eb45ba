import { Body, Controller, Headers, HttpCode, Post, Req } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import type { FastifyRequest } from 'fastify';
import { TrustPolicy } from '../../auth/trust-policy';
import { writerOf } from '../../http/actor';
import { Idempotent } from '../../idempotency/idempotency.interceptor';
import { readJsonBody } from '../../http/request-body';
import { tagWriteBody } from '../../tags/tag-write-body';
import { BatchCommand } from './batch.command';
import { atIndex, parseBatch } from './batch.request';

/** Create, move and delete many tags, in any repositories, in one transaction. */
@Controller()
export class BatchController {
  constructor(
    private readonly commandBus: CommandBus,
    private readonly trust: TrustPolicy,
  ) {}

  @Post('v2/_batch')
  @Idempotent()
  @HttpCode(200)
  async batch(@Headers('content-type') contentType: string | undefined, @Body() body: unknown, @Req() request: FastifyRequest) {
    const operations = parseBatch(readJsonBody(body, contentType, ['application/json']));
    // Batch operations carry no client signatures: each is a write like an unsigned PUT.
    operations.forEach(({ command }, i) => atIndex(i, () => this.trust.assertUnsignedAllowed(command.data.repository)));
    const results = await this.commandBus.execute(new BatchCommand(operations, writerOf(request)));
    return {
      operations: results.map((result, i) => {
        const { repository, tag } = operations[i]!.command.data;
        return { op: operations[i]!.op, ...tagWriteBody(repository, tag, result) };
      }),
    };
  }
}
