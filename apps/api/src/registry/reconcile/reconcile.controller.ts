import { Controller, HttpCode, Post, Query } from '@nestjs/common';
import { assertRepositoryName } from '@tag-history/domain';
import { Reconciler } from './reconciler';
import { Api } from '../../http/openapi/api';
import { AnyJson, ERROR, json } from '../../http/openapi/schemas';
import { repositoryName } from '../../http/input/query-params';

@Controller()
export class ReconcileController {
  constructor(private readonly reconciler: Reconciler) {}

  /** One reconcile now, of `repository` or of everything watched; 409 CONFLICT while another one runs. */
  @Post('v2/_reconcile')
  @Api({ summary: 'One reconcile with the registry now', query: { repository: repositoryName() }, responses: { 200: json(AnyJson), 409: ERROR } })
  @HttpCode(200)
  reconcile(@Query('repository') repository: string | undefined) {
    if (repository !== undefined) assertRepositoryName(repository);
    return this.reconciler.run(repository);
  }
}
