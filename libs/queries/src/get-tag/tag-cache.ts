import type { TagView } from '../tag-view';

/** A tag as the cache holds it: its stream version, and its view, or null while it does not exist. */
export interface CachedTag {
  version: number;
  view: TagView | null;
  /** The `+json` body, written on first use. */
  json?: string;
}

/**
 * Current tags in memory, by stream id (`repository:tag`), least recently
 * used out beyond `capacity` entries.
 *
 * Every change carries the tag's stream version and only a newer version
 * replaces an entry, so the order in which this instance's commits, the
 * change feed and database reads arrive does not matter: an entry never goes
 * back. Changes are kept for tags the cache holds or is reading; a read that
 * started before a change it did not see then loses against it.
 * `clear()` forgets everything, reads in flight included.
 */
export class TagCache {
  private readonly entries = new Map<string, CachedTag>();
  /** Reads in flight per key: changes to these keys are kept even when the key has no entry yet. */
  private readonly reading = new Map<string, number>();
  private generation = 0;

  constructor(readonly capacity: number) {}

  get size(): number {
    return this.entries.size;
  }

  /** The entry, made the most recently used. */
  get(key: string): CachedTag | undefined {
    const entry = this.entries.get(key);
    if (entry) {
      this.entries.delete(key);
      this.entries.set(key, entry);
    }
    return entry;
  }

  /**
   * Reads the tag from the database and keeps the answer unless a newer
   * version arrived meanwhile. A tag that does not exist is kept as version 0:
   * any change beats it.
   */
  async read(key: string, load: () => Promise<TagView | undefined>): Promise<TagView | undefined> {
    const generation = this.generation;
    this.reading.set(key, (this.reading.get(key) ?? 0) + 1);
    try {
      const view = await load();
      if (generation === this.generation) this.apply(key, view?.version ?? 0, view ?? null, true);
      return view;
    } finally {
      if (generation === this.generation) {
        const left = this.reading.get(key)! - 1;
        if (left === 0) this.reading.delete(key);
        else this.reading.set(key, left);
      }
    }
  }

  /** A tag changed to `view` (null: deleted) at stream `version`. `insert`: keep it even if the cache did not hold the tag. */
  apply(key: string, version: number, view: TagView | null, insert: boolean): void {
    const entry = this.entries.get(key);
    if (entry ? entry.version >= version : !insert && !this.reading.has(key)) return;
    this.entries.delete(key);
    this.entries.set(key, { version, view });
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
  }

  clear(): void {
    this.generation++;
    this.entries.clear();
    this.reading.clear();
  }
}
