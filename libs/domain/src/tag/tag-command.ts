import type { TagJws } from './tag-jws';
import type { Target } from './target';

/**
 * Create or move. `expectedVersion` comes from If-Match, `createOnly` from If-None-Match: *,
 * `jws` is the client's signed tag object when it sent one (already verified).
 */
export type PutTag = {
  type: 'PutTag';
  data: { repository: string; tag: string; target: Target; expectedVersion?: number; createOnly?: boolean; jws?: TagJws };
};

export type DeleteTag = {
  type: 'DeleteTag';
  data: { repository: string; tag: string; expectedVersion?: number };
};

export type TagCommand = PutTag | DeleteTag;
