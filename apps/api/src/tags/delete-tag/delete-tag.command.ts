import type { Writer } from '@tag-history/event-store';
import { Command } from '@nestjs/cqrs';
import type { DeleteTag } from '@tag-history/domain';
import type { TagWriteResult } from '../execute-tag-command';

export class DeleteTagCommand extends Command<TagWriteResult> {
  constructor(
    readonly command: DeleteTag,
    readonly writer: Writer,
  ) {
    super();
  }
}
