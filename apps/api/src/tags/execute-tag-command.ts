import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  type Policy,
  policyRefusals,
  type TagCommand,
  tagDeciderUnder,
  type TagEvent,
  type TagState,
  tagStreamId,
  violationDecider,
  violationOf,
  violationStreamId,
} from '@tag-history/domain';
import { EventStore, type OperationResult, type RecordedEvent, type Writer } from '@tag-history/event-store';
import { CLOCK, type Clock } from '../infrastructure/clock';
import { NO_POLICIES, PolicyBook, type PolicySource } from '../policies/policy-book';

export type TagWriteResult = OperationResult<TagState>;

/** A tag write decided under the policies in force; what a change seen in the registry broke is recorded after it. */
export async function executeTagCommand(
  store: EventStore,
  command: TagCommand,
  writer: Writer,
  now: () => Date,
  source: PolicySource = NO_POLICIES,
): Promise<TagWriteResult> {
  const streamId = tagStreamId(command.data.repository, command.data.tag);
  const { result, policies } = await PolicyBook.under(source, async ({ policies, rules }) => {
    const [result] = await store.write<TagState>([{ streamId, decider: tagDeciderUnder(policies), command }], { ...writer, time: now(), rules });
    return { result: result!, policies };
  });
  const seenInRegistry = command.type !== 'RestoreTag' && command.data.provenance !== undefined && command.data.provenance.source !== 'api';
  if (seenInRegistry) await recordViolations(store, result, writer, now, policies);
  return result;
}

/**
 * PolicyViolated events for a registry change a policy forbids, in a write
 * of their own after the change (whose position they name). The history
 * already says what happened; this says which rule it broke.
 */
async function recordViolations(store: EventStore, { state, events }: TagWriteResult, writer: Writer, now: () => Date, policies: Policy[]): Promise<void> {
  const tagEvents = events.map((e) => ({ type: e.type, data: e.data }) as TagEvent);
  const refusals = policyRefusals(tagEvents, state.version - events.length, false, policies);
  if (refusals.length === 0) return;
  const [event] = events as [RecordedEvent];
  const [{ data }] = tagEvents as [TagEvent];
  const change = {
    change: refusals[0]!.change,
    type: event.type,
    stream: event.streamId,
    version: event.version,
    position: event.position,
    from: 'from' in data ? data.from : null,
    target: 'target' in data ? data.target : null,
  };
  const operations = refusals.map((r) => ({
    streamId: violationStreamId(r.policy.id),
    decider: violationDecider,
    command: violationOf(r, data.repository, data.tag, change),
  }));
  await store.write(operations, { actor: writer.actor, ...(writer.tokenId !== undefined ? { tokenId: writer.tokenId } : {}), time: now() });
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
    private readonly policies: PolicyBook,
  ) {}

  async execute({ command, writer }: TagWriteCommand): Promise<TagWriteResult> {
    return executeTagCommand(this.store, command, writer, this.clock, this.policies);
  }
}
