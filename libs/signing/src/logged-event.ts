/** An event as a log row holds it: the columns next to the JWS that signs them. */
export interface LoggedEvent {
  position: number;
  stream: string;
  version: number;
  type: string;
  data: Record<string, unknown>;
  actor: string;
  time: Date;
  jws: string;
  hash: string;
  prev: string | null;
}

export interface BrokenEvent {
  position: number;
  stream: string | null;
  reason: string;
}

export interface LogVerification {
  ok: boolean;
  events: number;
  broken: BrokenEvent[];
}
