import { Controller, Get, Inject, Res } from '@nestjs/common';
import { DATABASE, type Database, isMigrated } from '@tag-history/database';
import type { FastifyReply } from 'fastify';
import type { Kysely } from 'kysely';

@Controller()
export class HealthController {
  constructor(@Inject(DATABASE) private readonly db: Kysely<Database>) {}

  /** The process is up. */
  @Get('healthz')
  health() {
    return { status: 'ok' };
  }

  /** The database answers and every migration has run. */
  @Get('readyz')
  async ready(@Res({ passthrough: true }) reply: FastifyReply) {
    const ready = await isMigrated(this.db).catch(() => false);
    void reply.status(ready ? 200 : 503);
    return { status: ready ? 'ready' : 'not ready' };
  }
}
