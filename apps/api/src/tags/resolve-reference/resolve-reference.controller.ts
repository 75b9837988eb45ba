import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { parseReference, TagHistoryError } from '@tag-history/domain';
import { FindTagsByDigestQuery, GetTagAtQuery, GetTagQuery, TagIntervalsQuery, type TagView } from '@tag-history/queries';
import type { FastifyReply } from 'fastify';
import { negotiate } from '../../http/negotiate';
import { parseTime } from '../../http/point-in-time';
import { representTag, TAG_REPRESENTATIONS } from '../tag-representation/represent-tag';
import { SignedTags } from '../tag-representation/signed-tags';

const RESOLUTION = 'application/json';
/** A reference with a tag resolves to a tag version, which has every representation of a tag object too. */
const WITH_TAG = [RESOLUTION, ...TAG_REPRESENTATIONS.filter((t) => t !== RESOLUTION)];

/**
 * Parses a full reference and says what it names now, or at `at`. The
 * repository looked up is the reference's path: this service stands for one
 * registry, whatever domain the reference names.
 */
@Controller()
export class ResolveReferenceController {
  constructor(
    private readonly queryBus: QueryBus,
    private readonly signed: SignedTags,
  ) {}

  @Get('v2/_resolve')
  async resolve(
    @Query('reference') reference: string | undefined,
    @Query('at') atParam: string | undefined,
    @Headers('accept') accept: string | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    if (typeof reference !== 'string' || reference === '') {
      throw new TagHistoryError('PARAMETER_INVALID', 'the reference query parameter is required', {});
    }
    const parts = parseReference(reference);
    const at = parseTime('at', atParam);
    const mediaType = negotiate(accept, parts.tag !== undefined ? WITH_TAG : [RESOLUTION]);
    if (parts.tag !== undefined && parts.digest !== undefined) {
      // name:tag@digest: pinned to a digest the tag has (or had) as its target.
      const answer = await this.queryBus.execute(new TagIntervalsQuery(parts.path, parts.tag, parts.digest, at));
      const last = answer.intervals[answer.intervals.length - 1]!;
      if (mediaType !== RESOLUTION) {
        const { version, position, time, actor } = last.from;
        const view: TagView = { name: parts.path, tag: parts.tag, target: last.target, version, position, updatedAt: time, updatedBy: actor };
        return representTag(reply, mediaType, view, this.signed);
      }
      return { reference: parts, target: last.target, current: answer.current, intervals: answer.intervals };
    }
    if (parts.tag !== undefined) {
      const view = await this.queryBus.execute(at ? new GetTagAtQuery(parts.path, parts.tag, { time: at }) : new GetTagQuery(parts.path, parts.tag));
      if (mediaType !== RESOLUTION) return representTag(reply, mediaType, view, this.signed);
      return { reference: parts, target: view.target, version: view.version };
    }
    if (at !== undefined) {
      throw new TagHistoryError('PARAMETER_INVALID', 'at needs a reference with a tag', { reference });
    }
    if (parts.digest !== undefined) {
      const tags = await this.queryBus.execute(new FindTagsByDigestQuery(parts.path, parts.digest));
      return { reference: parts, tags: tags.map((t) => t.tag) };
    }
    return { reference: parts };
  }
}
