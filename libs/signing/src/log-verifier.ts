import { checkEvent } from './check-event';
import type { KeyRing } from './key-ring';
import type { BrokenEvent, LogVerification } from './logged-event';
import type { RecordedEvent } from './recorded-event';

export interface StreamHeadRecord {
  stream: string;
  version: number;
  hash: string | null;
}

/**
 * Where a verification starts when the log's first positions were archived
 * (detached after export as a signed segment): the last archived position,
 * and each stream's last archived version and hash, which the first kept
 * event of the stream must follow.
 */
export interface LogStart {
  position: number;
  heads: Iterable<StreamHeadRecord>;
}

/**
 * Verifies a log fed in position order, page by page: each event on its own
 * (see checkEvent) and each stream's hash chain (versions 1, 2, 3... without
 * gaps, `prev` the previous event's hash). `wholeLog` also checks that the
 * positions have no gaps, which only holds when no filter was applied.
 */
export class LogVerifier {
  private readonly heads = new Map<string, { version: number; hash: string }>();
  /** Each stream's head as the events fed left it. */
  get streamHeads(): ReadonlyMap<string, { version: number; hash: string }> {
    return this.heads;
  }
  private readonly broken: BrokenEvent[] = [];
  private events = 0;
  private lastPosition = 0;

  constructor(
    private readonly keys: KeyRing,
    private readonly wholeLog: boolean,
    start?: LogStart,
  ) {
    this.lastPosition = start?.position ?? 0;
    for (const h of start?.heads ?? []) this.heads.set(h.stream, { version: h.version, hash: h.hash! });
  }

  async add(page: RecordedEvent[]): Promise<void> {
    // Signatures are independent: checked together, reported in position order.
    const reasons = await Promise.all(page.map((e) => checkEvent(e, this.keys)));
    page.forEach((event, i) => {
      this.events++;
      for (const reason of reasons[i]!) this.report(event.position, event.streamId, reason);
      if (this.wholeLog && event.position !== this.lastPosition + 1) {
        this.report(this.lastPosition + 1, null, `positions ${this.lastPosition + 1} to ${event.position - 1} are missing`);
      }
      this.lastPosition = event.position;
      const head = this.heads.get(event.streamId);
      const expected = (head?.version ?? 0) + 1;
      if (event.version !== expected) {
        this.report(event.position, event.streamId, `version ${event.version} follows version ${expected - 1}: events are missing`);
      }
      if (event.prevHash !== (head?.hash ?? null) && event.version === expected) {
        this.report(event.position, event.streamId, "prev is not the previous event's hash");
      }
      this.heads.set(event.streamId, { version: event.version, hash: event.hash });
    });
  }

  /**
   * Compares where each stream ended with where the store says it is, so a
   * removed last event shows too; `lastPosition` the same for the whole log.
   */
  finish(expected: { streams?: StreamHeadRecord[]; lastPosition?: number } = {}): LogVerification {
    for (const stream of expected.streams ?? []) {
      const seen = this.heads.get(stream.stream);
      if (!seen && !this.wholeLog) continue;
      if (seen?.version !== stream.version || seen.hash !== stream.hash) {
        this.report(this.lastPosition, stream.stream, `stream is at version ${stream.version}, its events end at version ${seen?.version ?? 0}`);
      }
    }
    if (expected.lastPosition !== undefined && expected.lastPosition > this.lastPosition && this.wholeLog) {
      this.report(this.lastPosition + 1, null, `positions ${this.lastPosition + 1} to ${expected.lastPosition} are missing`);
    }
    return { ok: this.broken.length === 0, events: this.events, broken: this.broken };
  }

  private report(position: number, stream: string | null, reason: string): void {
    this.broken.push({ position, stream, reason });
  }
}
