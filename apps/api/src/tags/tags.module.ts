import { Module } from '@nestjs/common';
import { queryHandlers } from '../queries';
import { DeleteTagController } from './delete-tag/delete-tag.controller';
import { TagWriteHandler } from './execute-tag-command';
import { GetTagController } from './get-tag/get-tag.controller';
import { ListTagsController } from './list-tags/list-tags.controller';
import { PutTagController } from './put-tag/put-tag.controller';
import { ResolveReferenceController } from './resolve-reference/resolve-reference.controller';
import { SignedTags } from './tag-representation/signed-tags';

/** Current tags: create, move, delete, read, list, resolve. */
@Module({
  controllers: [PutTagController, DeleteTagController, GetTagController, ListTagsController, ResolveReferenceController],
  providers: [TagWriteHandler, SignedTags, ...queryHandlers],
})
export class TagsModule {}
