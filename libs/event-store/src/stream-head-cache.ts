import type { StreamHead } from './read-stream-head';

/**
 * The heads this instance last wrote or read, so that a command usually
 * decides without a read from the database. A head may be stale when other
 * instances write the same stream; optimistic concurrency catches that at
 * append time. Bounded: the least recently written heads go first.
 */
export class StreamHeadCache {
  private readonly heads = new Map<string, StreamHead>();

  constructor(private readonly capacity: number) {}

  get(streamId: string): StreamHead | undefined {
    return this.heads.get(streamId);
  }

  /** Keeps the head unless a newer one is already known. */
  offer(streamId: string, head: StreamHead): void {
    const known = this.heads.get(streamId);
    if (known && known.version >= head.version) return;
    this.heads.delete(streamId);
    this.heads.set(streamId, head);
    if (this.heads.size > this.capacity) this.heads.delete(this.heads.keys().next().value!);
  }

  forget(streamId: string): void {
    this.heads.delete(streamId);
  }
}
