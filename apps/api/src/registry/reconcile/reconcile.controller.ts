import { Controller, HttpCode, Post, Query } from '@nestjs/common';
import { Reconciler } from './reconciler';
import { Api } from '../../http/openapi/api';
import { AnyJson, ERROR, json } from '../../http/openapi/schemas';
import { repositoryName } from '../../http/input/query-params';
import { parseQuery, type RawQuery } from '../../http/input/query-schema';

const QUERY = { repository: repositoryName() };

@Controller()
export class ReconcileController {
  constructor(private readonly reconciler: Reconciler) {}

  /** One reconcile now, of `repository` or of everything watched; 409 CONFLICT while another one runs. */
  @Post('v2/_reconcile')
  @Api({ summary: 'One reconcile with the registry now', query: QUERY, responses: { 200: json(AnyJson), 409: ERROR } })
  @HttpCode(200)
  reconcile(@Query() query: RawQuery) {
    return this.reconciler.run(parseQuery(query, QUERY).repository);
  }
}
