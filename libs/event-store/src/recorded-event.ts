/** An event as the log holds it. */
export interface RecordedEvent {
  position: number;
  streamId: string;
  version: number;
  type: string;
  data: Record<string, unknown>;
  actor: string;
  recordedAt: Date;
  /** The compact JWS whose payload is this event; see @tag-history/signing. */
  jws: string;
  hash: string;
  prevHash: string | null;
}
