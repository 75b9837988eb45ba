/** The rule a policy holds its tags to, with the rule's parameters. */
export type PolicyRule = { rule: 'immutable' } | { rule: 'protected' } | { rule: 'expire'; after: string } | { rule: 'retain'; keep: number; sort: 'pushed' };

export type PolicyRuleName = PolicyRule['rule'];

/** What a policy says: which tags it governs (globs) and the rule. */
export type PolicySpec = { repositories: string; tags: string } & PolicyRule;

/** A policy in force: its id and the version of its stream that set it, both named in what it causes. */
export type Policy = { id: string; version: number } & PolicySpec;

/** Why a policy run deleted a tag, signed into the TagDeleted: a policy, or the tag's own `expiresAt`. */
export type PolicyCause = { id: string; version: number; rule: 'expire' | 'retain' } | { rule: 'expiresAt'; expiresAt: string };

/** The actor of a policy run's deletes. Policy ids are lowercase, so `policy:expiresAt` is no policy's. */
export function policyActor(cause: PolicyCause): string {
  return `policy:${'id' in cause ? cause.id : 'expiresAt'}`;
}
