import { Command } from '@nestjs/cqrs';
import type { PinCommand as DomainPinCommand, PinState } from '@tag-history/domain';
import type { DeciderResult } from '../../infrastructure/execute-decider';

/** Pin or unpin: one decider, one stream per (repository, digest). */
export class PinCommand extends Command<DeciderResult<PinState>> {
  constructor(
    readonly command: DomainPinCommand,
    readonly actor: string,
    readonly tokenId?: string,
  ) {
    super();
  }
}
