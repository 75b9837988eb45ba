import { Controller, HttpCode, Post, Query } from '@nestjs/common';
import { Type } from '@sinclair/typebox';
import { Reconciler } from './reconciler';
import { Api } from '../../http/openapi/api';
import { Count, ERROR, json } from '../../http/openapi/schemas';
import { repositoryName } from '../../http/input/query-params';
import { parseQuery, type RawQuery } from '../../http/input/query-schema';

const QUERY = { repository: repositoryName() };
/** What one reconcile found and did (Reconciler's ReconcileResult). */
const RESULT = Type.Object({ repositories: Count, tags: Count, created: Count, moved: Count, deleted: Count, errors: Count });

@Controller()
export class ReconcileController {
  constructor(private readonly reconciler: Reconciler) {}

  /** One reconcile now, of `repository` or of everything watched; 409 CONFLICT while another one runs. */
  @Post('v2/_reconcile')
  @Api({ summary: 'One reconcile with the registry now', query: QUERY, responses: { 200: json(RESULT), 409: ERROR } })
  @HttpCode(200)
  reconcile(@Query() query: RawQuery) {
    return this.reconciler.run(parseQuery(query, QUERY).repository);
  }
}
