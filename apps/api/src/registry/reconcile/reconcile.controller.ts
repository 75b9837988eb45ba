import { Controller, HttpCode, Post, Query } from '@nestjs/common';
import { assertRepositoryName } from '@tag-history/domain';
import { Reconciler } from './reconciler';

@Controller()
export class ReconcileController {
  constructor(private readonly reconciler: Reconciler) {}

  /** One reconcile now, of `repository` or of everything watched; 409 CONFLICT while another one runs. */
  @Post('v2/_reconcile')
  @HttpCode(200)
  reconcile(@Query('repository') repository: string | undefined) {
    if (repository !== undefined) assertRepositoryName(repository);
    return this.reconciler.run(repository);
  }
}
