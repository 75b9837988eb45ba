import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { EventStore } from '@tag-history/event-store';
import { CLOCK, type Clock } from '../../infrastructure/clock';
import { PolicyBook } from '../../policies/policy-book';
import { executeTagCommand, type TagWriteResult } from '../execute-tag-command';
import { PutTagCommand } from './put-tag.command';

@CommandHandler(PutTagCommand)
export class PutTagHandler implements ICommandHandler<PutTagCommand, TagWriteResult> {
  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly policies: PolicyBook,
  ) {}

  async execute({ command, writer }: PutTagCommand): Promise<TagWriteResult> {
    return executeTagCommand(this.store, command, writer, this.clock, await this.policies.current());
  }
}
