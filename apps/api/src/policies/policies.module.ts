import { Global, Module } from '@nestjs/common';
import { GetPolicyController } from './get-policy/get-policy.controller';
import { ListPoliciesController } from './list-policies/list-policies.controller';
import { PolicyBook } from './policy-book';
import { PreviewPolicyController } from './preview-policy/preview-policy.controller';
import { PolicyRunLease } from './run-policies/policy-run-lease';
import { PolicyRunner } from './run-policies/policy-runner';
import { PolicySchedule } from './run-policies/policy-schedule';
import { loadPolicySettings, POLICY_SETTINGS } from '@tag-history/config';
import { RunPoliciesController } from './run-policies/run-policies.controller';
import { DeletePolicyController } from './write-policy/delete-policy.controller';
import { PolicyHandler } from './write-policy/policy.handler';
import { PutPolicyController } from './write-policy/put-policy.controller';

/** Tag policies: their signed streams, the book every tag write is decided under, and the expire/retain runs. */
@Global()
@Module({
  controllers: [ListPoliciesController, RunPoliciesController, GetPolicyController, PreviewPolicyController, PutPolicyController, DeletePolicyController],
  providers: [{ provide: POLICY_SETTINGS, useFactory: () => loadPolicySettings() }, PolicyBook, PolicyHandler, PolicyRunLease, PolicyRunner, PolicySchedule],
  exports: [PolicyBook, PolicyRunner],
})
export class PoliciesModule {}
