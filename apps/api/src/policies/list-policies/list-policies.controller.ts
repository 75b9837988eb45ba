import { Controller, Get, Inject, Query } from '@nestjs/common';
import { DATABASE, type Database } from '@tag-history/database';
import { matchesPolicyGlob } from '@tag-history/domain';
import type { Kysely } from 'kysely';
import { repositoryName, tagName } from '../../http/input/query-params';
import { parseQuery, QueryParams, type RawQuery } from '../../http/input/query-schema';
import { readPolicyViews } from '../read-policies';
import { Api } from '../../http/openapi/api';
import { json, Policy } from '../../http/openapi/schemas';
import { Type } from '@sinclair/typebox';

/** `repository` and `tag` keep the policies that govern them (either alone: any tag, any repository). */
const QUERY = { repository: repositoryName(), tag: tagName() };

@Controller()
export class ListPoliciesController {
  constructor(@Inject(DATABASE) private readonly db: Kysely<Database>) {}

  @Get('v2/_policies')
  @QueryParams(QUERY)
  @Api({
    summary: 'The policies in force, or those that govern a repository or tag',
    responses: { 200: json(Type.Object({ policies: Type.Array(Type.Object({ policy: Policy })) })) },
  })
  async list(@Query() query: RawQuery) {
    const { repository, tag } = parseQuery(query, QUERY);
    const policies = (await readPolicyViews(this.db)).filter(
      ({ policy }) =>
        (repository === undefined || matchesPolicyGlob('repositories', policy.repositories, repository)) &&
        (tag === undefined || matchesPolicyGlob('tags', policy.tags, tag)),
    );
    return { policies };
  }
}
