import { Command } from '@nestjs/cqrs';
import type { DeleteTag } from '@tag-history/domain';
import type { TagWriteResult } from '../execute-tag-command';

export class DeleteTagCommand extends Command<TagWriteResult> {
  constructor(
    readonly command: DeleteTag,
    readonly actor: string,
    readonly tokenId?: string,
  ) {
    super();
  }
}
