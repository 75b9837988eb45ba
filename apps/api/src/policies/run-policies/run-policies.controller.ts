import { Controller, HttpCode, Post } from '@nestjs/common';
import { PolicyRunner } from './policy-runner';
import { Api } from '../../http/openapi/api';
import { AnyJson, ERROR, json } from '../../http/openapi/schemas';

/** Runs the expire and retain policies now (what the schedule does), for an administrator. */
@Controller()
export class RunPoliciesController {
  constructor(private readonly runner: PolicyRunner) {}

  @Post('v2/_policies/_run')
  @HttpCode(200)
  @Api({
    summary: 'Runs the expire and retain policies now (administrators)',
    responses: { 200: json(AnyJson), 409: { ...ERROR, description: 'Another instance is running them.' } },
  })
  run() {
    return this.runner.run();
  }
}
