import type { StreamHead } from './stream-head';

/**
 * The heads this instance last wrote or read, so that a command usually
 * decides without a read from the database. A head may be stale when other
 * instances write the same stream; the append's version check catches that.
 * Bounded: the least recently written heads go first.
 */
export class StreamHeadCache {
  private readonly heads = new Map<string, StreamHead>();

  constructor(private readonly capacity: number) {}

  get(streamId: string): StreamHead | undefined {
    return this.heads.get(streamId);
  }

  set(streamId: string, head: StreamHead): void {
    this.heads.delete(streamId);
    this.heads.set(streamId, head);
    if (this.heads.size > this.capacity) this.heads.delete(this.heads.keys().next().value!);
  }
}
