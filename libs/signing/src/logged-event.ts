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
