import { Controller, Get, Inject, Param, Res } from '@nestjs/common';
import { DATABASE, type Database } from '@tag-history/database';
import { assertPolicyId, TagHistoryError } from '@tag-history/domain';
import type { FastifyReply } from 'fastify';
import type { Kysely } from 'kysely';
import { etag } from '../../http/preconditions';
import { Api } from '../../http/openapi/api';
import { AnyJson, Count, json, Policy } from '../../http/openapi/schemas';
import { Type } from '@sinclair/typebox';
import { readPolicyHistory, readPolicyViews } from '../read-policies';

/** The policy as it is now (null once deleted) and every change of it, oldest first, each signed. */
@Controller()
export class GetPolicyController {
  constructor(@Inject(DATABASE) private readonly db: Kysely<Database>) {}

  @Get('v2/_policies/:id')
  @Api({
    summary: 'A policy now (null once deleted) and every signed change of it',
    responses: {
      200: json(Type.Object({ id: Type.String(), policy: Type.Union([Policy, Type.Null()]), version: Count, history: Type.Array(AnyJson) }), ['etag']),
    },
  })
  async get(@Param('id') id: string, @Res({ passthrough: true }) reply: FastifyReply) {
    assertPolicyId(id);
    const history = await readPolicyHistory(this.db, id);
    if (history.length === 0) throw new TagHistoryError('POLICY_UNKNOWN', `policy ${id} does not exist`, { id });
    const [current] = await readPolicyViews(this.db, id);
    void reply.header('etag', etag(history.at(-1)!.version));
    return {
      id,
      policy: current?.policy ?? null,
      version: history.at(-1)!.version,
      updatedAt: current?.updatedAt ?? null,
      updatedBy: current?.updatedBy ?? null,
      history,
    };
  }
}
