import { Module } from '@nestjs/common';
import { AliasesController } from './aliases/aliases.controller';
import { BatchAdmission } from './batch/batch-admission';
import { BatchController } from './batch/batch.controller';
import { BatchHandler } from './batch/batch.handler';
import { DigestTagsController } from './digest-tags/digest-tags.controller';
import { OciTagHistoryController } from './oci-tag-history/oci-tag-history.controller';
import { RestoreTagController } from './restore-tag/restore-tag.controller';
import { RestoreTagHandler } from './restore-tag/restore-tag.handler';
import { TagHistoryController } from './tag-history/tag-history.controller';

/** The past of tags: history in two shapes, aliases, the digest index, restore and atomic batches. */
@Module({
  controllers: [TagHistoryController, OciTagHistoryController, AliasesController, DigestTagsController, RestoreTagController, BatchController],
  providers: [RestoreTagHandler, BatchHandler, BatchAdmission],
})
export class HistoryModule {}
