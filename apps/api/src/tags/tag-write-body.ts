import type { TagWriteResult } from './execute-tag-command';

export function tagLocation(name: string, tag: string): string {
  return `/v2/${name}/_tags/${tag}`;
}

/** What a write answers: the tag as it now is, and the events (if any) the write appended. */
export function tagWriteBody(name: string, tag: string, { state, events }: TagWriteResult) {
  return {
    name,
    tag,
    // Fixed key order: a snapshot read back from jsonb has its keys reordered.
    target: state.target && { mediaType: state.target.mediaType, size: state.target.size, digest: state.target.digest },
    version: state.version,
    events: events.map((e) => ({ type: e.type, version: e.version, position: e.position, time: e.recordedAt.toISOString() })),
  };
}
