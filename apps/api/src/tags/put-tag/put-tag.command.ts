import { Command } from '@nestjs/cqrs';
import type { PutTag } from '@tag-history/domain';
import type { TagWriteResult } from '../execute-tag-command';

export class PutTagCommand extends Command<TagWriteResult> {
  constructor(
    readonly command: PutTag,
    readonly actor: string,
    readonly tokenId?: string,
  ) {
    super();
  }
}
