import { Query } from '@nestjs/cqrs';
import type { StreamHeadRecord } from '@tag-history/signing';

export interface ArchivedHeads {
  /** The last archived position (0 when nothing is archived) and the segment that holds it. */
  boundary: number;
  segment: string | null;
  /** Each of the repository's streams with archived events: its last archived version and that event's hash. */
  streams: StreamHeadRecord[];
}

/** Where a repository's kept events pick up their hash chains after the archived prefix of the log. */
export class ArchivedHeadsQuery extends Query<ArchivedHeads> {
  constructor(readonly repository: string) {
    super();
  }
}
