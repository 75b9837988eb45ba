import type { Writer } from '@tag-history/event-store';
import { Command } from '@nestjs/cqrs';
import type { PutTag } from '@tag-history/domain';
import type { TagWriteResult } from '../execute-tag-command';

export class PutTagCommand extends Command<TagWriteResult> {
  constructor(
    readonly command: PutTag,
    readonly writer: Writer,
  ) {
    super();
  }
}
