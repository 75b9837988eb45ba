import { type TagCommand, tagDecider, type TagState, tagStreamId } from '@tag-history/domain';
import type { EventStore, OperationResult, Writer } from '@tag-history/event-store';

export type TagWriteResult = OperationResult<TagState>;

export async function executeTagCommand(store: EventStore, command: TagCommand, writer: Writer, now: () => Date): Promise<TagWriteResult> {
  const streamId = tagStreamId(command.data.repository, command.data.tag);
  const [result] = await store.write<TagState>([{ streamId, decider: tagDecider, command }], { ...writer, time: now() });
  return result!;
}
