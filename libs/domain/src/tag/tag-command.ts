import type { Target } from './target';

/** Create or move. `expectedVersion` comes from If-Match, `createOnly` from If-None-Match: *. */
export type PutTag = {
  type: 'PutTag';
  data: { repository: string; tag: string; target: Target; expectedVersion?: number; createOnly?: boolean };
};

export type DeleteTag = {
  type: 'DeleteTag';
  data: { repository: string; tag: string; expectedVersion?: number };
};

export type TagCommand = PutTag | DeleteTag;
