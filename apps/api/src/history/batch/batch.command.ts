import type { Writer } from '@tag-history/event-store';
import { Command } from '@nestjs/cqrs';
import type { TagWriteResult } from '../../tags/execute-tag-command';
import type { BatchOperation } from './batch.request';

/** Operations that commit together or not at all. */
export class BatchCommand extends Command<TagWriteResult[]> {
  constructor(
    readonly operations: BatchOperation[],
    readonly writer: Writer,
  ) {
    super();
  }
}
