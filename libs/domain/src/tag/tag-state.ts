import type { Target } from './target';

/**
 * What the decider needs to know about one tag. `version` counts the events
 * of the tag's stream (0: never written); `target` is null while the tag does
 * not exist, before its creation or after its deletion.
 */
export interface TagState {
  version: number;
  target: Target | null;
}

export const initialTagState: TagState = { version: 0, target: null };

/** One stream per tag. Repository names never contain ":", so this is unambiguous. */
export function tagStreamId(repository: string, tag: string): string {
  return `${repository}:${tag}`;
}
