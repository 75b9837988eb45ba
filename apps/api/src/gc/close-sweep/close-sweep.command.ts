import { Command } from '@nestjs/cqrs';
import type { SweepState } from '@tag-history/domain';
import type { DeciderResult } from '../../infrastructure/execute-decider';
import type { ManifestLines } from '../read-manifest-lines';

export class CloseSweepCommand extends Command<DeciderResult<SweepState>> {
  constructor(
    readonly id: string,
    readonly deleted: ManifestLines,
    readonly actor: string,
    readonly tokenId?: string,
  ) {
    super();
  }
}
