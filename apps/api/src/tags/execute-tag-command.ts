import { decide, evolve, initialTagState, type TagCommand, type TagState, tagStreamId } from '@tag-history/domain';
import type { EventStore } from '@tag-history/event-store';
import { type DeciderResult, executeDecider } from '../infrastructure/execute-decider';

export type TagWriteResult = DeciderResult<TagState>;

const tagDecider = { decide, evolve, initialState: initialTagState };

export function executeTagCommand(store: EventStore, command: TagCommand, actor: string, now: () => Date, tokenId?: string): Promise<TagWriteResult> {
  return executeDecider(store, tagDecider, tagStreamId(command.data.repository, command.data.tag), command, actor, now, tokenId);
}
