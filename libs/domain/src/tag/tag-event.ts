import type { PolicyCause } from '../policy/policy';
import type { TagJws } from './tag-jws';
import type { TagProvenance } from './tag-provenance';
import type { Target } from './target';

export type TagCreated = {
  type: 'TagCreated';
  data: { repository: string; tag: string; target: Target; jws?: TagJws; provenance?: TagProvenance; expiresAt?: string };
};

export type TagMoved = {
  type: 'TagMoved';
  data: { repository: string; tag: string; from: Target; target: Target; jws?: TagJws; provenance?: TagProvenance; expiresAt?: string };
};

export type TagDeleted = {
  type: 'TagDeleted';
  data: { repository: string; tag: string; from: Target; provenance?: TagProvenance; policy?: PolicyCause };
};

/** Back to the target of `restoredVersion`; `from` is null when it undeletes the tag. */
export type TagRestored = {
  type: 'TagRestored';
  data: { repository: string; tag: string; restoredVersion: number; from: Target | null; target: Target };
};

export type TagEvent = TagCreated | TagMoved | TagDeleted | TagRestored;
export type TagEventType = TagEvent['type'];
