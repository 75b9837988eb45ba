import { Controller, HttpCode, Post } from '@nestjs/common';
import { PolicyRunner } from './policy-runner';

/** Runs the expire and retain policies now (what the schedule does), for an administrator. */
@Controller()
export class RunPoliciesController {
  constructor(private readonly runner: PolicyRunner) {}

  @Post('v2/_policies/_run')
  @HttpCode(200)
  run() {
    return this.runner.run();
  }
}
