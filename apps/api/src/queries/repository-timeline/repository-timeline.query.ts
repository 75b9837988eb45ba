import { Query } from '@nestjs/cqrs';

export interface TimelineEnd {
  version: number;
  position: number;
  time: Date;
  actor: string;
  /** The event: TagCreated, TagMoved, TagRestored or TagDeleted. */
  type: string;
}

/** One interval [from, to) in which a tag pointed at one target. */
export interface TimelineInterval {
  tag: string;
  digest: string;
  mediaType: string;
  size: number;
  from: TimelineEnd;
  to: TimelineEnd | null;
}

export interface RepositoryTimeline {
  /** The log head, read before the intervals: following the feed from here misses nothing after this answer. */
  position: number;
  intervals: TimelineInterval[];
  /**
   * Set when more than `limit` intervals overlap the window: the answer holds
   * the latest ones, and is complete from this time on (every interval that
   * overlaps [completeFrom, until) is in it).
   */
  completeFrom: Date | null;
}

/** Every interval of every tag of a repository that overlaps [since, until), the latest `limit` of them. */
export class RepositoryTimelineQuery extends Query<RepositoryTimeline> {
  constructor(
    readonly repository: string,
    readonly limit: number,
    readonly since?: Date,
    readonly until?: Date,
  ) {
    super();
  }
}
