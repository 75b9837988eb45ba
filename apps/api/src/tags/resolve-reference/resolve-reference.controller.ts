import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { parseReference, TagHistoryError } from '@tag-history/domain';
import { FindTagsByDigestQuery, GetTagAtQuery, GetTagQuery, TagIntervalsQuery } from '@tag-history/queries';
import { dateTime, text } from '../../http/input/query-params';
import { parseQuery, QueryParams, type RawQuery } from '../../http/input/query-schema';

// A reference is at most a domain, a 255-character name, a tag and a digest.
const QUERY = { reference: text(1_024), at: dateTime() };

/**
 * Parses a full reference and says what it names now, or at `at`. The
 * repository looked up is the reference's path: this service stands for one
 * registry, whatever domain the reference names.
 */
@Controller()
export class ResolveReferenceController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get('v2/_resolve')
  @QueryParams(QUERY)
  async resolve(@Query() query: RawQuery) {
    const { reference, at } = parseQuery(query, QUERY);
    if (reference === undefined) {
      throw new TagHistoryError('PARAMETER_INVALID', 'the reference query parameter is required', {});
    }
    const parts = parseReference(reference);
    if (parts.tag !== undefined && parts.digest !== undefined) {
      // name:tag@digest: pinned to a digest the tag has (or had) as its target.
      const answer = await this.queryBus.execute(new TagIntervalsQuery(parts.path, parts.tag, parts.digest, at));
      return { reference: parts, target: answer.intervals[answer.intervals.length - 1]!.target, current: answer.current, intervals: answer.intervals };
    }
    if (parts.tag !== undefined) {
      const view = await this.queryBus.execute(at ? new GetTagAtQuery(parts.path, parts.tag, { time: at }) : new GetTagQuery(parts.path, parts.tag));
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
