import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { Type } from '@sinclair/typebox';
import { ArchivedHeadsQuery } from '../../queries';
import { Api } from '../../http/openapi/api';
import { Count, json, Nullable } from '../../http/openapi/schemas';
import { repositoryName, required } from '../../http/input/query-params';
import { parseQuery, type RawQuery } from '../../http/input/query-schema';

const QUERY = { repository: required(repositoryName()) };

const StreamHead = Type.Object({ stream: Type.String(), version: Count, hash: Type.String() });

/**
 * After `archive-partition`, the first kept event of a stream names an
 * archived one as `prev`: an auditor that checks the repository's chains
 * (`audit --repository`) starts each one at the head given here, and the
 * segment (`verify-segment`) proves those heads offline.
 */
@Controller()
export class ArchivedHeadsController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get('v2/_log/archived')
  @Api({
    summary: "Where a repository's hash chains pick up after the log's archived prefix",
    query: QUERY,
    responses: { 200: json(Type.Object({ boundary: Count, segment: Nullable(Type.String()), streams: Type.Array(StreamHead) })) },
  })
  async heads(@Query() query: RawQuery) {
    const { repository } = parseQuery(query, QUERY);
    return this.queryBus.execute(new ArchivedHeadsQuery(repository));
  }
}
