import type { PolicyCause } from '../policy/policy';
import type { TagJws } from './tag-jws';
import type { TagProvenance } from './tag-provenance';
import type { Target } from './target';

/**
 * Create or move. `expectedVersion` comes from If-Match, `createOnly` from
 * If-None-Match: *; `mustExist` makes it a move only (a batch's "move");
 * `jws` is the client's signed tag object when it sent one (already verified);
 * `provenance` says where a change seen in an upstream registry came from;
 * `expiresAt` (RFC 3339) is when a policy run deletes the target it sets.
 */
export type PutTag = {
  type: 'PutTag';
  data: {
    repository: string;
    tag: string;
    target: Target;
    expectedVersion?: number;
    createOnly?: boolean;
    mustExist?: boolean;
    jws?: TagJws;
    provenance?: TagProvenance;
    expiresAt?: string;
  };
};

/** `policy`: the policy run's reason, for its deletes. */
export type DeleteTag = {
  type: 'DeleteTag';
  data: { repository: string; tag: string; expectedVersion?: number; provenance?: TagProvenance; policy?: PolicyCause };
};

/**
 * Back to a target the tag had at `restoredVersion`. The handler looks that
 * target up in the tag's history and passes it in, so deciding stays pure.
 */
export type RestoreTag = {
  type: 'RestoreTag';
  data: { repository: string; tag: string; restoredVersion: number; target: Target; expectedVersion?: number };
};

export type TagCommand = PutTag | DeleteTag | RestoreTag;
