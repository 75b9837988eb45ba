import { Query } from '@nestjs/cqrs';
import type { RecordedEvent } from '@tag-history/event-store';

export interface AuditFilter {
  repository?: string;
  tag?: string;
  actor?: string;
  type?: string;
  /** Inclusive. */
  since?: Date;
  /** Exclusive. */
  until?: Date;
}

export interface AuditPage {
  events: RecordedEvent[];
  more: boolean;
}

/** Newest first: `before` is the position the previous page ended at. */
export class AuditEventsQuery extends Query<AuditPage> {
  constructor(
    readonly filter: AuditFilter,
    readonly n: number,
    readonly before?: number,
  ) {
    super();
  }
}
