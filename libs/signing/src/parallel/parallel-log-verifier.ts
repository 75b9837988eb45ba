import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { PublicKeyRecord } from '../key-ring';
import type { LogStart, StreamHeadRecord } from '../log-verifier';
import type { BrokenEvent, LogVerification } from '../logged-event';
import { type EventTuple, type WorkerAnswer, type WorkerKey, type WorkerRequest, verifyWorkerMain } from './verify-worker';

// Started from its source text rather than a file, so that the same worker runs under jest (from TypeScript) and from dist.
const WORKER_SOURCE = `(${verifyWorkerMain.toString()})()`;
/** Events per message to a worker: big enough that copying and waking it up cost little beside the verifications. */
const CHUNK = 256;
/** Chunks in flight per worker before `add` waits: enough to keep every worker busy while the next page is read. */
const AHEAD = 4;

export interface ParallelVerifierOptions {
  /** The keys that ever signed the log, with their validity. */
  keys: PublicKeyRecord[];
  /** Also check that positions have no gaps (only true when no filter was applied). */
  wholeLog: boolean;
  /** Worker threads; default: every core. */
  threads?: number;
  /** Where the events fed begin: after an archived prefix, its last position and each stream's head there. */
  start?: LogStart;
  /**
   * The streams whose hash chains the events fed hold whole (default: all). Events of others (a repository's slice of
   * a stream that spans repositories) are checked one by one, signature and hash, but not as a chain.
   */
  chained?(stream: string): boolean;
  /** Called with each event's RFC 6962 leaf hash, in position order (for rebuilding the Merkle tree on the way). */
  onLeaf?(position: number, hash: Uint8Array): void;
}

interface Pending {
  events: EventTuple[];
  answer: Promise<WorkerAnswer>;
}

/**
 * LogVerifier's checks with the signatures and hashes on worker threads:
 * events are fed in position order, cut into chunks that the workers check in
 * parallel, and their results are applied in the order they were fed, with the
 * chain checks (which need the order) on this thread. The result is the one
 * LogVerifier gives, report for report.
 */
export class ParallelLogVerifier {
  private readonly workers: Worker[];
  private readonly waiting = new Map<number, { resolve(a: WorkerAnswer): void; reject(e: Error): void }>();
  private readonly pending: Pending[] = [];
  private readonly heads = new Map<string, { version: number; hash: string }>();
  private readonly broken: BrokenEvent[] = [];
  private chunk: EventTuple[] = [];
  private events = 0;
  private lastPosition = 0;
  private nextId = 0;
  private failed?: Error;
  private closing = false;

  constructor(private readonly options: ParallelVerifierOptions) {
    const keys: WorkerKey[] = options.keys.map((k) => ({
      kid: k.kid,
      jwk: k.jwk,
      validFrom: k.validFrom?.getTime() ?? null,
      validUntil: k.validUntil?.getTime() ?? null,
    }));
    this.lastPosition = options.start?.position ?? 0;
    for (const h of options.start?.heads ?? []) this.heads.set(h.stream, { version: h.version, hash: h.hash! });
    const threads = Math.max(1, options.threads ?? availableParallelism());
    this.workers = Array.from({ length: threads }, () => {
      const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { keys } });
      worker.on('message', (answer: WorkerAnswer) => {
        const waiter = this.waiting.get(answer.id);
        this.waiting.delete(answer.id);
        waiter?.resolve(answer);
      });
      worker.on('error', (error) => this.fail(error));
      worker.on('exit', (code) => this.closing || this.fail(new Error(`a verifier thread exited with code ${code}`)));
      return worker;
    });
  }

  /** Takes the next events in position order; resolves when there is room for more. */
  async add(events: EventTuple[]): Promise<void> {
    for (const event of events) {
      this.chunk.push(event);
      if (this.chunk.length === CHUNK) this.send();
    }
    while (this.pending.length >= this.workers.length * AHEAD) await this.applyOldest();
  }

  /** Applies everything fed so far; then compares where each stream ended with where the store says it is. */
  async drain(): Promise<void> {
    if (this.chunk.length > 0) this.send();
    while (this.pending.length > 0) await this.applyOldest();
  }

  /** Called after drain, once per stream the store has (a removed last event shows here). */
  checkStream(stream: StreamHeadRecord): void {
    const seen = this.heads.get(stream.stream);
    if (!seen && !this.options.wholeLog) return;
    if (seen?.version !== stream.version || seen.hash !== stream.hash) {
      this.report(this.lastPosition, stream.stream, `stream is at version ${stream.version}, its events end at version ${seen?.version ?? 0}`);
    }
  }

  /** The verdict; `lastPosition` is where the store says the log ends. Ends the workers. */
  async finish(expected: { lastPosition?: number } = {}): Promise<LogVerification> {
    await this.drain();
    await this.close();
    if (expected.lastPosition !== undefined && expected.lastPosition > this.lastPosition && this.options.wholeLog) {
      this.report(this.lastPosition + 1, null, `positions ${this.lastPosition + 1} to ${expected.lastPosition} are missing`);
    }
    return { ok: this.broken.length === 0, events: this.events, broken: this.broken };
  }

  /** Ends the workers (also after an error). */
  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
    this.fail(new Error('the verifier is closed'));
  }

  private send(): void {
    if (this.failed) throw this.failed;
    const id = this.nextId++;
    const events = this.chunk;
    this.chunk = [];
    const answer = new Promise<WorkerAnswer>((resolve, reject) => this.waiting.set(id, { resolve, reject }));
    // Awaited in turn by applyOldest; a failure before then must not count as unhandled.
    answer.catch(() => undefined);
    const request: WorkerRequest = { id, events, leaves: this.options.onLeaf !== undefined };
    this.workers[id % this.workers.length]!.postMessage(request);
    this.pending.push({ events, answer });
  }

  private async applyOldest(): Promise<void> {
    const { events, answer } = this.pending.shift()!;
    const { reasons, leaves } = await answer;
    let r = 0;
    events.forEach(([position, stream, version, , , , , , hash, prev], i) => {
      this.events++;
      for (; r < reasons.length && reasons[r]![0] === i; r++) this.report(position, stream, reasons[r]![1]);
      if (this.options.wholeLog && position !== this.lastPosition + 1) {
        this.report(this.lastPosition + 1, null, `positions ${this.lastPosition + 1} to ${position - 1} are missing`);
      }
      this.lastPosition = position;
      if (this.options.chained?.(stream) ?? true) this.chain(position, stream, version, hash, prev);
      if (leaves) this.options.onLeaf!(position, new Uint8Array(leaves, 32 * i, 32));
    });
  }

  /** The event follows on from its stream's last one: the next version, naming its hash. */
  private chain(position: number, stream: string, version: number, hash: string, prev: string | null): void {
    const head = this.heads.get(stream);
    const expected = (head?.version ?? 0) + 1;
    if (version !== expected) this.report(position, stream, `version ${version} follows version ${expected - 1}: events are missing`);
    if (prev !== (head?.hash ?? null) && version === expected) this.report(position, stream, "prev is not the previous event's hash");
    this.heads.set(stream, { version, hash });
  }

  private fail(error: Error): void {
    this.failed ??= error;
    for (const waiter of this.waiting.values()) waiter.reject(error);
    this.waiting.clear();
  }

  private report(position: number, stream: string | null, reason: string): void {
    this.broken.push({ position, stream, reason });
  }
}
