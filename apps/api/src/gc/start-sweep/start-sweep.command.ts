import type { Writer } from '@tag-history/event-store';
import { Command } from '@nestjs/cqrs';
import type { ManifestLines } from '../read-manifest-lines';

export interface SweepStarted {
  id: string;
  leaseUntil: string;
}

export class StartSweepCommand extends Command<SweepStarted> {
  constructor(
    readonly cursor: number,
    readonly retention: string | undefined,
    readonly candidates: ManifestLines,
    readonly writer: Writer,
  ) {
    super();
  }
}
