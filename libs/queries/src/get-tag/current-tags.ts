import { type Database, requiredPosition, withRequiredPosition } from '@tag-history/database';
import { tagStreamId } from '@tag-history/domain';
import type { Kysely } from 'kysely';
import type { TagView } from '../tag-view';
import { CoalescedTagLookups } from './coalesced-tag-lookups';
import { TagCache } from './tag-cache';

/**
 * Current-tag lookups from memory when the cache may answer, from the
 * database otherwise (and then kept). Whether it may answer, and what keeps
 * it current, is the follower's business (apps/api tags/current-tags).
 */
export class CurrentTags {
  readonly cache: TagCache;
  private readonly lookups: CoalescedTagLookups;
  /** Entries answer only while every change reaches the cache. */
  serving = false;
  /** The log position up to which every change has reached the cache. */
  position = 0;
  /** The last log position this instance acknowledged: its database reads never answer older. */
  written = 0;

  constructor(db: Kysely<Database>, capacity: number) {
    this.cache = new TagCache(capacity);
    this.lookups = new CoalescedTagLookups(db);
  }

  /** True when the cache may answer this request: serving, and at least as far in the log as the request needs (Tag-History-Min-Position). */
  answers(): boolean {
    return this.serving && (requiredPosition() ?? 0) <= this.position;
  }

  /** The tag now; `fresh` reads the database whatever the cache holds. */
  async get(repository: string, tag: string, fresh = false): Promise<TagView | undefined> {
    const key = tagStreamId(repository, tag);
    if (!fresh && this.answers()) {
      const entry = this.cache.get(key);
      if (entry) return entry.view ?? undefined;
    }
    // From a copy of the log (a replica, or the primary) at least as far as the cache and this instance's writes:
    // an entry it fills can be older than no change the follower has applied, and no answer older than what was acknowledged.
    return this.cache.read(key, () => withRequiredPosition(Math.max(this.position, this.written), () => this.lookups.get(repository, tag)));
  }
}
