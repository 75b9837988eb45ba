import { Controller, Get, Inject, Param } from '@nestjs/common';
import { DATABASE, type Database } from '@tag-history/database';
import { assertPolicyId, TagHistoryError } from '@tag-history/domain';
import type { Kysely } from 'kysely';
import { readPolicyViews } from '../read-policies';
import { Api } from '../../http/openapi/api';
import { AnyJson, json } from '../../http/openapi/schemas';
import { Type } from '@sinclair/typebox';
import { PolicyRunner, plannedView } from '../run-policies/policy-runner';

/** What the policy would delete right now, decided exactly as a run decides, without deleting. */
@Controller()
export class PreviewPolicyController {
  constructor(
    @Inject(DATABASE) private readonly db: Kysely<Database>,
    private readonly runner: PolicyRunner,
  ) {}

  @Get('v2/_policies/:id/preview')
  @Api({
    summary: 'What the policy would delete now, decided as a run decides',
    responses: { 200: json(Type.Object({ id: Type.String(), now: Type.String(), deletes: Type.Array(AnyJson) })) },
  })
  async preview(@Param('id') id: string) {
    assertPolicyId(id);
    if ((await readPolicyViews(this.db, id)).length === 0) throw new TagHistoryError('POLICY_UNKNOWN', `policy ${id} does not exist`, { id });
    const plan = await this.runner.plan();
    return { id, now: plan.now.toISOString(), deletes: plan.deletes.filter((d) => 'id' in d.cause && d.cause.id === id).map(plannedView) };
  }
}
