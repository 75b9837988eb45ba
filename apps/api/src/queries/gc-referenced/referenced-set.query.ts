import { Query } from '@nestjs/cqrs';
import type { RetentionPolicy } from '@tag-history/domain';
import type { Readable } from 'node:stream';

/**
 * The manifests GC must keep, as NDJSON read from one snapshot: a header
 * line, one line per referenced (repository, digest), a count line.
 */
export class ReferencedSetQuery extends Query<Readable> {
  constructor(
    readonly retention: RetentionPolicy,
    readonly time: Date,
    readonly repository?: string,
    readonly reasons = false,
    /** A client that reads nothing for this long loses the stream (and its connection). */
    readonly idleTimeoutMs = 30_000,
  ) {
    super();
  }
}
