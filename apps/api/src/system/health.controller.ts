import { Controller, Get, Inject, Res } from '@nestjs/common';
import { DATABASE, type Database, isMigrated } from '@tag-history/database';
import type { FastifyReply } from 'fastify';
import type { Kysely } from 'kysely';
import { Type } from '@sinclair/typebox';
import { Api } from '../http/openapi/api';
import { json } from '../http/openapi/schemas';

@Controller()
export class HealthController {
  constructor(@Inject(DATABASE) private readonly db: Kysely<Database>) {}

  /** The process is up. */
  @Get('healthz')
  @Api({ summary: 'The process is up', responses: { 200: json(Type.Object({ status: Type.Literal('ok') })) } })
  health() {
    return { status: 'ok' };
  }

  /** The database answers and every migration has run. */
  @Get('readyz')
  @Api({
    summary: 'The database answers and every migration has run',
    responses: { 200: json(Type.Object({ status: Type.String() })), 503: json(Type.Object({ status: Type.String() })) },
  })
  async ready(@Res({ passthrough: true }) reply: FastifyReply) {
    const ready = await isMigrated(this.db).catch(() => false);
    void reply.status(ready ? 200 : 503);
    return { status: ready ? 'ready' : 'not ready' };
  }
}
