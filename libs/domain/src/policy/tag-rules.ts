import type { Decider } from '../decider/decider';
import { TagHistoryError } from '../errors/tag-history-error';
import { decide } from '../tag/decide';
import type { TagCommand } from '../tag/tag-command';
import { tagDecider } from '../tag/tag-decider';
import type { TagEvent } from '../tag/tag-event';
import type { TagState } from '../tag/tag-state';
import type { Policy } from './policy';
import { matchesPolicyGlob } from './policy-glob';

/** What a tag event does to the tag, as the rules see it: `recreate` brings back a tag that had a history. */
export type TagChange = 'create' | 'recreate' | 'move' | 'delete';

export interface PolicyRefusal {
  policy: Policy;
  code: 'TAG_IMMUTABLE' | 'PRECONDITION_REQUIRED';
  change: TagChange;
}

export function governs(policy: Pick<Policy, 'repositories' | 'tags'>, repository: string, tag: string): boolean {
  return matchesPolicyGlob('repositories', policy.repositories, repository) && matchesPolicyGlob('tags', policy.tags, tag);
}

export function tagChange(event: TagEvent, versionBefore: number): TagChange {
  switch (event.type) {
    case 'TagCreated':
      return versionBefore === 0 ? 'create' : 'recreate';
    case 'TagMoved':
      return 'move';
    case 'TagDeleted':
      return 'delete';
    case 'TagRestored':
      return event.data.from === null ? 'recreate' : 'move';
    default: {
      const unknown: never = event;
      throw new Error(`unknown tag event ${JSON.stringify(unknown)}`);
    }
  }
}

/**
 * The policies that forbid what `events` do to a tag at `versionBefore`,
 * immutability first. `conditional`: the write named the version it expected
 * (If-Match). An event-less write (a retry to the current target) breaks no rule.
 */
export function policyRefusals(events: TagEvent[], versionBefore: number, conditional: boolean, policies: readonly Policy[]): PolicyRefusal[] {
  const [event] = events;
  if (!event) return [];
  const change = tagChange(event, versionBefore);
  const governing = policies.filter((p) => governs(p, event.data.repository, event.data.tag));
  const immutable = governing
    .filter((p) => p.rule === 'immutable' && change !== 'create')
    .map((policy) => ({ policy, code: 'TAG_IMMUTABLE' as const, change }));
  const blind = !conditional && (change === 'move' || change === 'delete');
  const protect = governing.filter((p) => p.rule === 'protected' && blind).map((policy) => ({ policy, code: 'PRECONDITION_REQUIRED' as const, change }));
  return [...immutable, ...protect];
}

export function refusalError({ policy, code, change }: PolicyRefusal, repository: string, tag: string): TagHistoryError {
  const message =
    code === 'TAG_IMMUTABLE'
      ? `tag ${repository}:${tag} is immutable under policy ${policy.id}`
      : `tag ${repository}:${tag} is protected by policy ${policy.id}: a ${change} needs If-Match`;
  return new TagHistoryError(code, message, { policy: policy.id, name: repository, tag, change });
}

/**
 * The tag decider with the policies in force as its context. A change seen in
 * the registry has already happened: it is recorded as it was (the history
 * must say what the registry did), and its refusals are the violations to
 * record beside it.
 */
export function tagDeciderUnder(policies: readonly Policy[]): Decider<TagCommand, TagEvent, TagState> {
  if (policies.length === 0) return tagDecider;
  return {
    ...tagDecider,
    decide: (command, state) => {
      const events = decide(command, state);
      if (command.type !== 'RestoreTag' && command.data.provenance && command.data.provenance.source !== 'api') return events;
      const [refusal] = policyRefusals(events, state.version, command.data.expectedVersion !== undefined, policies);
      if (refusal) throw refusalError(refusal, command.data.repository, command.data.tag);
      return events;
    },
  };
}
