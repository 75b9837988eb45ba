import { Controller, Get, Param } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { assertRepositoryName, assertTagName } from '@tag-history/domain';
import { FindTagsByDigestQuery, GetTagQuery } from '../../queries';
import { Type } from '@sinclair/typebox';
import { Api } from '../../http/openapi/api';
import { Digest, json, Name, Tag } from '../../http/openapi/schemas';

/** The alias group of a tag: the other tags of the repository that point at its digest now. */
@Controller()
export class AliasesController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get('v2/:name/_tags/:tag/aliases')
  @Api({
    summary: 'The other tags pointing at the same digest now',
    responses: { 200: json(Type.Object({ name: Name, tag: Tag, digest: Digest, aliases: Type.Array(Tag) })) },
  })
  async aliases(@Param('name') name: string, @Param('tag') tag: string) {
    assertRepositoryName(name);
    assertTagName(tag);
    const view = await this.queryBus.execute(new GetTagQuery(name, tag));
    const group = await this.queryBus.execute(new FindTagsByDigestQuery(name, view.target.digest));
    return { name, tag, digest: view.target.digest, aliases: group.map((t) => t.tag).filter((t) => t !== tag) };
  }
}
