/** An event as the log holds it: the one type of a recorded event (event-store's toRecordedEvent reads it from its row). */
export interface RecordedEvent {
  position: number;
  streamId: string;
  version: number;
  type: string;
  data: Record<string, unknown>;
  actor: string;
  recordedAt: Date;
  /** The compact JWS whose payload is this event (sign-event.ts). */
  jws: string;
  hash: string;
  prevHash: string | null;
}

/** A recorded event as JSON answers show it (the feed, the audit and its exports): what an auditor checks offline. */
export interface EventJson {
  position: number;
  stream: string;
  version: number;
  type: string;
  data: Record<string, unknown>;
  actor: string;
  time: string;
  hash: string;
  prev: string | null;
  jws: string;
}

export function toEventJson(e: RecordedEvent): EventJson {
  return {
    position: e.position,
    stream: e.streamId,
    version: e.version,
    type: e.type,
    data: e.data,
    actor: e.actor,
    time: e.recordedAt.toISOString(),
    hash: e.hash,
    prev: e.prevHash,
    jws: e.jws,
  };
}

export function fromEventJson(e: EventJson): RecordedEvent {
  const { position, stream, version, type, data, actor, time, hash, prev, jws } = e;
  return { position, streamId: stream, version, type, data, actor, recordedAt: new Date(time), jws, hash, prevHash: prev };
}
