import { Module } from '@nestjs/common';
import { READ_DATABASE, type Database } from '@tag-history/database';
import { CurrentTags } from '@tag-history/queries';
import type { Kysely } from 'kysely';
import { queryHandlers } from '../queries';
import { TagCacheFollower } from './current-tags/tag-cache-follower';
import { DeleteTagController } from './delete-tag/delete-tag.controller';
import { TagWriteHandler } from './execute-tag-command';
import { GetTagController } from './get-tag/get-tag.controller';
import { ListTagsController } from './list-tags/list-tags.controller';
import { PutTagController } from './put-tag/put-tag.controller';
import { ResolveReferenceController } from './resolve-reference/resolve-reference.controller';
import { SignedTags } from './tag-representation/signed-tags';

/**
 * Tags held in memory per instance, least recently used out: about 700 bytes
 * each (measured with a million), 1 KB with the `+json` answer kept, so at
 * most about 250 MB however many tags the database holds; lookups of the
 * others read the database.
 */
const CACHED_TAGS = 250_000;

/** Current tags: create, move, delete, read, list, resolve. */
@Module({
  controllers: [PutTagController, DeleteTagController, GetTagController, ListTagsController, ResolveReferenceController],
  providers: [
    TagWriteHandler,
    SignedTags,
    ...queryHandlers,
    { provide: CurrentTags, useFactory: (db: Kysely<Database>) => new CurrentTags(db, CACHED_TAGS), inject: [READ_DATABASE] },
    TagCacheFollower,
  ],
})
export class TagsModule {}
