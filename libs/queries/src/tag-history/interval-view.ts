import type { TagHistoryTable } from '@tag-history/database';
import type { Target } from '@tag-history/domain';

export interface EventRef {
  version: number;
  position: number;
  time: string;
  actor: string;
}

/** One interval [from, to) during which a tag pointed at `target`; `to` is null while it still does. */
export interface IntervalView {
  tag: string;
  target: Target;
  from: EventRef;
  to: EventRef | null;
}

export function targetOf(row: Pick<TagHistoryTable, 'media_type' | 'size' | 'digest'>): Target {
  return { mediaType: row.media_type, size: row.size, digest: row.digest };
}

export function toIntervalView(row: TagHistoryTable): IntervalView {
  return {
    tag: row.tag,
    target: targetOf(row),
    from: { version: row.version, position: row.from_position, time: row.from_time.toISOString(), actor: row.from_actor },
    to: row.to_version === null ? null : { version: row.to_version, position: row.to_position!, time: row.to_time!.toISOString(), actor: row.to_actor! },
  };
}
