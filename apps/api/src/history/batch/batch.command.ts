import { Command } from '@nestjs/cqrs';
import type { TagWriteResult } from '../../tags/execute-tag-command';
import type { BatchOperation } from './batch.request';

/** Operations that commit together or not at all. */
export class BatchCommand extends Command<TagWriteResult[]> {
  constructor(
    readonly operations: BatchOperation[],
    readonly actor: string,
    readonly tokenId?: string,
  ) {
    super();
  }
}
