import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { type TagCommand, tagDecider, type TagState, tagStreamId } from '@tag-history/domain';
import { EventStore, type OperationResult, type Writer } from '@tag-history/event-store';
import { CLOCK, type Clock } from '../infrastructure/clock';

export type TagWriteResult = OperationResult<TagState>;

export async function executeTagCommand(store: EventStore, command: TagCommand, writer: Writer, now: () => Date): Promise<TagWriteResult> {
  const streamId = tagStreamId(command.data.repository, command.data.tag);
  const [result] = await store.write<TagState>([{ streamId, decider: tagDecider, command }], { ...writer, time: now() });
  return result!;
}

/** A create, move or delete of one tag, by whoever sends it: the API's PUT and DELETE, the registry watcher, the demo seed. */
export class TagWriteCommand extends Command<TagWriteResult> {
  constructor(
    readonly command: TagCommand,
    readonly writer: Writer,
  ) {
    super();
  }
}

@CommandHandler(TagWriteCommand)
export class TagWriteHandler implements ICommandHandler<TagWriteCommand, TagWriteResult> {
  constructor(
    @Inject(EventStore) private readonly store: EventStore,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  execute({ command, writer }: TagWriteCommand): Promise<TagWriteResult> {
    return executeTagCommand(this.store, command, writer, this.clock);
  }
}
