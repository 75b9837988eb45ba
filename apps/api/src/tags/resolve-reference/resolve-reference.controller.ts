import { Controller, Get, Headers, Inject, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { parseReference, TagHistoryError } from '@tag-history/domain';
import { FindTagsByDigestQuery, GetTagAtQuery, GetTagQuery, TagIntervalsQuery, type TagView } from '../../queries';
import type { FastifyReply } from 'fastify';
import { boolean, dateTime, required } from '../../http/input/query-params';
import { parseQuery, type QueryParam, type RawQuery } from '../../http/input/query-schema';
import { negotiate } from '../../http/negotiate';
import { Api } from '../../http/openapi/api';
import { AnyJson, ARCHIVED, GeneralJws, Text } from '../../http/openapi/schemas';
import { EventProofService, withProofs } from '../../transparency/event-proofs';
import { representTag, TAG_REPRESENTATIONS } from '../tag-representation/represent-tag';
import { SignedTags } from '../tag-representation/signed-tags';

const RESOLUTION = 'application/json';
/** `name[:tag][@digest]`, parsed by parseReference (the domain's grammar). */
const reference: QueryParam<string> = {
  type: 'string',
  parse: (raw, name) => {
    if (raw === '') throw new TagHistoryError('PARAMETER_INVALID', `${name} is required`, { [name]: raw });
    return raw;
  },
};
const QUERY = { reference: required(reference), at: dateTime(), proof: boolean() };
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
    @Inject(EventProofService) private readonly proofs: EventProofService,
  ) {}

  @Get('v2/_resolve')
  @Api({
    summary: 'Resolves name:tag, name@digest or name:tag@digest, now or at a time',
    query: QUERY,
    headers: ['accept'],
    responses: {
      200: {
        content: {
          'application/json': AnyJson,
          'application/vnd.docker.distribution.tag.v1+json': AnyJson,
          'application/vnd.docker.distribution.tag.v1+jws': GeneralJws,
          'application/vnd.docker.distribution.tag.v1+prettyjws': Text,
        },
        headers: ['vary'],
      },
      406: { description: 'No media type in Accept is offered.' },
      410: { ...ARCHIVED, description: 'A signed answer (+jws, +prettyjws) of a version whose event was archived.' },
    },
  })
  async resolve(@Query() query: RawQuery, @Headers('accept') accept: string | undefined, @Res({ passthrough: true }) reply: FastifyReply) {
    const { reference, at, proof: withProof } = parseQuery(query, QUERY);
    const { body, positions } = await this.answer(reference, at, accept, reply);
    return withProof ? withProofs(body, await this.proofs.prove(positions)) : body;
  }

  /** The answer, and the positions of the events it rests on (for `proof=true`). */
  private async answer(
    reference: string,
    at: Date | undefined,
    accept: string | undefined,
    reply: FastifyReply,
  ): Promise<{ body: unknown; positions: number[] }> {
    const parts = parseReference(reference);
    const mediaType = negotiate(accept, parts.tag !== undefined ? WITH_TAG : [RESOLUTION]);
    if (parts.tag !== undefined && parts.digest !== undefined) {
      // name:tag@digest: pinned to a digest the tag has (or had) as its target.
      const answer = await this.queryBus.execute(new TagIntervalsQuery(parts.path, parts.tag, parts.digest, at));
      const last = answer.intervals[answer.intervals.length - 1]!;
      if (mediaType !== RESOLUTION) {
        const { version, position, time, actor } = last.from;
        const view: TagView = { name: parts.path, tag: parts.tag, target: last.target, version, position, updatedAt: time, updatedBy: actor };
        return { body: await representTag(reply, mediaType, view, this.signed), positions: [position] };
      }
      const positions = answer.intervals.flatMap((i) => [i.from.position, ...(i.to ? [i.to.position] : [])]);
      return { body: { reference: parts, target: last.target, current: answer.current, intervals: answer.intervals }, positions };
    }
    if (parts.tag !== undefined) {
      const view = await this.queryBus.execute(at ? new GetTagAtQuery(parts.path, parts.tag, { time: at }) : new GetTagQuery(parts.path, parts.tag));
      const body =
        mediaType !== RESOLUTION ? await representTag(reply, mediaType, view, this.signed) : { reference: parts, target: view.target, version: view.version };
      return { body, positions: [view.position] };
    }
    if (at !== undefined) {
      throw new TagHistoryError('PARAMETER_INVALID', 'at needs a reference with a tag', { reference });
    }
    if (parts.digest !== undefined) {
      const tags = await this.queryBus.execute(new FindTagsByDigestQuery(parts.path, parts.digest));
      return { body: { reference: parts, tags: tags.map((t) => t.tag) }, positions: tags.map((t) => t.position) };
    }
    return { body: { reference: parts }, positions: [] };
  }
}
