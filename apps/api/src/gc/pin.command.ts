import type { OperationResult, Writer } from '@tag-history/event-store';
import { Command } from '@nestjs/cqrs';
import type { PinCommand as DomainPinCommand, PinState } from '@tag-history/domain';

/** Pin or unpin: one decider, one stream per (repository, digest). */
export class PinCommand extends Command<OperationResult<PinState>> {
  constructor(
    readonly command: DomainPinCommand,
    readonly writer: Writer,
  ) {
    super();
  }
}
