import { Query } from '@nestjs/cqrs';

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

/** An event as the audit shows it: the row, and the JWS and chain links to check it with. */
export interface AuditEvent {
  position: number;
  stream: string;
  version: number;
  type: string;
  actor: string;
  time: string;
  data: Record<string, unknown>;
  hash: string;
  prev: string | null;
  jws: string;
}

export interface AuditPage {
  events: AuditEvent[];
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
