import { Controller, Get, Headers, Param, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { assertRepositoryName, assertTagName, TagHistoryError } from '@tag-history/domain';
import { GetTagAtQuery, GetTagQuery } from '@tag-history/queries';
import type { FastifyReply } from 'fastify';
import { negotiate } from '../../http/negotiate';
import { parseCount, parseTime } from '../../http/point-in-time';
import { etag } from '../../http/preconditions';
import { representTag, TAG_REPRESENTATIONS } from '../tag-representation/represent-tag';
import { SignedTags } from '../tag-representation/signed-tags';

@Controller()
export class GetTagController {
  constructor(
    private readonly queryBus: QueryBus,
    private readonly signed: SignedTags,
  ) {}

  /** The tag now, or with `?at=<RFC 3339>` / `?position=<global position>` as it was then, in the media type `Accept` asks for. */
  @Get('v2/:name/_tags/:tag')
  async get(
    @Param('name') name: string,
    @Param('tag') tag: string,
    @Query('at') at: string | undefined,
    @Query('position') position: string | undefined,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    assertRepositoryName(name);
    assertTagName(tag);
    const time = parseTime('at', at);
    const pos = parseCount('position', position);
    if (time !== undefined && pos !== undefined) {
      throw new TagHistoryError('PARAMETER_INVALID', 'give at or position, not both', { at, position });
    }
    const mediaType = negotiate(accept, TAG_REPRESENTATIONS);
    if (time !== undefined || pos !== undefined) {
      const view = await this.queryBus.execute(new GetTagAtQuery(name, tag, time !== undefined ? { time } : { position: pos! }));
      return representTag(reply, mediaType, view, this.signed);
    }
    const view = await this.queryBus.execute(new GetTagQuery(name, tag));
    void reply.header('etag', etag(view.version));
    return representTag(reply, mediaType, view, this.signed);
  }
}
