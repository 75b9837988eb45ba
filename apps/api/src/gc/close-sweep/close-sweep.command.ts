import type { OperationResult, Writer } from '@tag-history/event-store';
import { Command } from '@nestjs/cqrs';
import type { SweepState } from '@tag-history/domain';

import type { ManifestLines } from '../read-manifest-lines';

export class CloseSweepCommand extends Command<OperationResult<SweepState>> {
  constructor(
    readonly id: string,
    readonly deleted: ManifestLines,
    readonly writer: Writer,
  ) {
    super();
  }
}
