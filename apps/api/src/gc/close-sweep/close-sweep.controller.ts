import { Body, Controller, Delete, Headers, Param, Req, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { TagHistoryError } from '@tag-history/domain';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { writerOf } from '../../http/actor';
import { readManifestBody } from '../read-manifest-lines';
import { CloseSweepCommand } from './close-sweep.command';
import { Type } from '@sinclair/typebox';
import { Api } from '../../http/openapi/api';
import { Count, ERROR, json, Text } from '../../http/openapi/schemas';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

@Controller()
export class CloseSweepController {
  constructor(private readonly commandBus: CommandBus) {}

  /** The body lists what the job deleted (NDJSON); no body means it deleted nothing. */
  @Delete('v2/_gc/sweeps/:id')
  @Api({
    summary: 'Closes a sweep with what the job deleted',
    headers: ['content-type'],
    body: { 'application/x-ndjson': Text },
    responses: { 200: json(Type.Object({ id: Type.String(), deleted: Count })), 409: ERROR, 410: ERROR },
  })
  async close(
    @Param('id') id: string,
    @Headers('content-type') contentType: string | undefined,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    if (!UUID.test(id)) throw new TagHistoryError('SWEEP_UNKNOWN', `sweep ${id} does not exist`, { id });
    const deleted = body === undefined && contentType === undefined ? { count: 0, byRepository: {} } : await readManifestBody(body, contentType, reply);
    const result = await this.commandBus.execute(new CloseSweepCommand(id, deleted, writerOf(request)));
    const event = result.events[0]!;
    return { id, deleted: deleted.count, event: { type: event.type, position: event.position, time: event.recordedAt.toISOString() } };
  }
}
