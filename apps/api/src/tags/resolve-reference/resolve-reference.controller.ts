import { Controller, Get, Inject, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { parseReference, TagHistoryError } from '@tag-history/domain';
import { FindTagsByDigestQuery, GetTagAtQuery, GetTagQuery, TagIntervalsQuery } from '@tag-history/queries';
import { parseTime } from '../../http/point-in-time';
import { EventProofService, parseProofFlag } from '../../transparency/event-proofs';

/**
 * Parses a full reference and says what it names now, or at `at`. The
 * repository looked up is the reference's path: this service stands for one
 * registry, whatever domain the reference names. With `proof=true` the
 * answer carries inclusion proofs of the events it rests on.
 */
@Controller()
export class ResolveReferenceController {
  constructor(
    private readonly queryBus: QueryBus,
    @Inject(EventProofService) private readonly proofs: EventProofService,
  ) {}

  @Get('v2/_resolve')
  async resolve(@Query('reference') reference: string | undefined, @Query('at') atParam: string | undefined, @Query('proof') proof: unknown) {
    const withProof = parseProofFlag(proof);
    const { answer, positions } = await this.answer(reference, atParam);
    return withProof ? { ...answer, proof: await this.proofs.prove(positions) } : answer;
  }

  private async answer(reference: string | undefined, atParam: string | undefined): Promise<{ answer: object; positions: number[] }> {
    if (typeof reference !== 'string' || reference === '') {
      throw new TagHistoryError('PARAMETER_INVALID', 'the reference query parameter is required', {});
    }
    const parts = parseReference(reference);
    const at = parseTime('at', atParam);
    if (parts.tag !== undefined && parts.digest !== undefined) {
      // name:tag@digest: pinned to a digest the tag has (or had) as its target.
      const answer = await this.queryBus.execute(new TagIntervalsQuery(parts.path, parts.tag, parts.digest, at));
      const positions = answer.intervals.flatMap((i) => [i.from.position, ...(i.to ? [i.to.position] : [])]);
      return { answer: { reference: parts, target: answer.intervals[answer.intervals.length - 1]!.target, current: answer.current, intervals: answer.intervals }, positions };
    }
    if (parts.tag !== undefined) {
      const view = await this.queryBus.execute(at ? new GetTagAtQuery(parts.path, parts.tag, { time: at }) : new GetTagQuery(parts.path, parts.tag));
      return { answer: { reference: parts, target: view.target, version: view.version }, positions: [view.position] };
    }
    if (at !== undefined) {
      throw new TagHistoryError('PARAMETER_INVALID', 'at needs a reference with a tag', { reference });
    }
    if (parts.digest !== undefined) {
      const tags = await this.queryBus.execute(new FindTagsByDigestQuery(parts.path, parts.digest));
      return { answer: { reference: parts, tags: tags.map((t) => t.tag) }, positions: tags.map((t) => t.position) };
    }
    return { answer: { reference: parts }, positions: [] };
  }
}
