import { Controller, Get, Param, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { assertRepositoryName, assertTagName, TAG_MEDIA_TYPE } from '@tag-history/domain';
import { GetTagQuery } from '@tag-history/queries';
import type { FastifyReply } from 'fastify';
import { etag } from '../../http/preconditions';

@Controller()
export class GetTagController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get('v2/:name/_tags/:tag')
  async get(@Param('name') name: string, @Param('tag') tag: string, @Res({ passthrough: true }) reply: FastifyReply) {
    assertRepositoryName(name);
    assertTagName(tag);
    const view = await this.queryBus.execute(new GetTagQuery(name, tag));
    void reply.header('etag', etag(view.version)).header('content-type', TAG_MEDIA_TYPE);
    return view;
  }
}
