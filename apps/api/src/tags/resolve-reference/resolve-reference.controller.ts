import { Controller, Get, Query } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { parseReference, TagHistoryError } from '@tag-history/domain';
import { FindTagsByDigestQuery, GetTagQuery } from '@tag-history/queries';

/**
 * Parses a full reference and says what it names now. The repository looked
 * up is the reference's path: this service stands for one registry, whatever
 * domain the reference names.
 */
@Controller()
export class ResolveReferenceController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get('v2/_resolve')
  async resolve(@Query('reference') reference: string | undefined) {
    if (typeof reference !== 'string' || reference === '') {
      throw new TagHistoryError('PARAMETER_INVALID', 'the reference query parameter is required', {});
    }
    const parts = parseReference(reference);
    if (parts.tag !== undefined) {
      const current = await this.queryBus.execute(new GetTagQuery(parts.path, parts.tag));
      return {
        reference: parts,
        target: current.target,
        version: current.version,
        ...(parts.digest !== undefined ? { current: current.target.digest === parts.digest } : {}),
      };
    }
    if (parts.digest !== undefined) {
      const tags = await this.queryBus.execute(new FindTagsByDigestQuery(parts.path, parts.digest));
      return { reference: parts, tags: tags.map((t) => t.tag) };
    }
    return { reference: parts };
  }
}
