import { parseDuration } from '../gc/parse-duration';
import type { Policy, PolicyCause } from './policy';
import { governs } from './tag-rules';

/** A current tag as a policy run sees it. */
export interface CleanupCandidate {
  repository: string;
  tag: string;
  version: number;
  /** Log position of its last move: orders tags moved at the same time. */
  position: number;
  /** When it last moved (created, moved or restored). */
  updatedAt: Date;
  /** The `expiresAt` its last move set, if any. */
  expiresAt: Date | null;
}

/** A delete a run decided on: it carries the version it saw, so a tag moved since is kept. */
export interface PlannedDelete {
  repository: string;
  tag: string;
  version: number;
  updatedAt: Date;
  cause: PolicyCause;
}

/**
 * What the expire and retain policies (and tags' own `expiresAt`) delete at
 * `now`, by repository and tag. A tag an immutable policy governs is never
 * planned: deleting it would be refused. Each tag is planned once, for the
 * first reason in order: its own `expiresAt`, then policies by id.
 */
export function planCleanup(policies: readonly Policy[], candidates: readonly CleanupCandidate[], now: Date): PlannedDelete[] {
  const immutable = policies.filter((p) => p.rule === 'immutable');
  const tags = candidates
    .filter((t) => !immutable.some((p) => governs(p, t.repository, t.tag)))
    .sort((a, b) => compare(a.repository, b.repository) || compare(a.tag, b.tag));
  const planned = new Map<string, PlannedDelete>();
  const plan = (t: CleanupCandidate, cause: PolicyCause) => {
    const key = `${t.repository}:${t.tag}`;
    if (!planned.has(key)) planned.set(key, { repository: t.repository, tag: t.tag, version: t.version, updatedAt: t.updatedAt, cause });
  };
  for (const t of tags) if (t.expiresAt !== null && t.expiresAt <= now) plan(t, { rule: 'expiresAt', expiresAt: t.expiresAt.toISOString() });
  for (const policy of [...policies].sort((a, b) => compare(a.id, b.id))) {
    const governed = tags.filter((t) => governs(policy, t.repository, t.tag));
    if (policy.rule === 'expire') {
      const after = parseDuration(policy.after);
      for (const t of governed) if (t.updatedAt.getTime() + after <= now.getTime()) plan(t, { id: policy.id, version: policy.version, rule: 'expire' });
    } else if (policy.rule === 'retain') {
      for (const t of overKeep(governed, policy.keep)) plan(t, { id: policy.id, version: policy.version, rule: 'retain' });
    }
  }
  return [...planned.values()].sort((a, b) => compare(a.repository, b.repository) || compare(a.tag, b.tag));
}

/** Per repository, all but the `keep` most recently moved tags. */
function overKeep(tags: CleanupCandidate[], keep: number): CleanupCandidate[] {
  const byRepository = new Map<string, CleanupCandidate[]>();
  for (const t of tags) {
    const list = byRepository.get(t.repository);
    if (list) list.push(t);
    else byRepository.set(t.repository, [t]);
  }
  return [...byRepository.values()].flatMap((list) =>
    list
      .sort((a, b) => b.updatedAt.getTime() - a.updatedAt.getTime() || b.position - a.position)
      .slice(keep)
      .sort((a, b) => compare(a.tag, b.tag)),
  );
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
