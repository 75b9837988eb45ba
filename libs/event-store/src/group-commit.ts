import type { Database } from '@tag-history/database';
import type { Kysely } from 'kysely';
import { commitBatch, type UnitOutcome } from './commit-batch';
import type { Guard } from './guard';
import type { Projector } from './projector';
import type { RecordedEvent } from './recorded-event';
import type { Unit } from './signed-append';

interface Pending {
  unit: Unit;
  resolve(events: RecordedEvent[][]): void;
  reject(error: unknown): void;
}

export interface GroupCommitOptions {
  /** Batches in flight at once; the second prepares while the first waits for its fsync. */
  concurrency: number;
  /** Events per batch, to bound statement size. */
  maxEvents: number;
  /** Refuses single units under the log head lock (GC leases). */
  guard?: Guard;
}

/**
 * Collects units submitted while a batch is committing and commits them
 * together. A stream is in at most one in-flight batch, so two appends to one
 * stream never meet in the same transaction and the second sees the first.
 */
export class GroupCommit {
  private readonly queue: Pending[] = [];
  private readonly busyStreams = new Set<string>();
  private running = 0;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly project: Projector,
    private readonly options: GroupCommitOptions,
  ) {}

  submit(unit: Unit): Promise<RecordedEvent[][]> {
    return new Promise((resolve, reject) => {
      this.queue.push({ unit, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    while (this.running < this.options.concurrency) {
      const batch = this.takeBatch();
      if (batch.length === 0) return;
      this.running++;
      const streams = batch.flatMap((p) => p.unit.map((a) => a.streamId));
      streams.forEach((s) => this.busyStreams.add(s));
      commitWithRetry(this.db, batch.map((p) => p.unit), this.project, this.options.guard)
        .then(
          (outcomes) => outcomes.forEach((o: UnitOutcome, i) => (o.ok ? batch[i]!.resolve(o.events) : batch[i]!.reject(o.error))),
          (error) => batch.forEach((p) => p.reject(error)),
        )
        .finally(() => {
          streams.forEach((s) => this.busyStreams.delete(s));
          this.running--;
          this.pump();
        });
    }
  }

  private takeBatch(): Pending[] {
    const batch: Pending[] = [];
    const taken = new Set<string>();
    let events = 0;
    for (let i = 0; i < this.queue.length && events < this.options.maxEvents; ) {
      const pending = this.queue[i]!;
      const streams = pending.unit.map((a) => a.streamId);
      const free = streams.every((s) => !this.busyStreams.has(s) && !taken.has(s));
      if (!free) {
        i++;
        continue;
      }
      streams.forEach((s) => taken.add(s));
      events += pending.unit.reduce((n, a) => n + a.events.length, 0);
      batch.push(pending);
      this.queue.splice(i, 1);
    }
    return batch;
  }
}

// Deadlocks and serialization failures roll the whole batch back, so it can
// simply run again; they are rare (lock order is fixed) but possible when
// other instances write too.
const RETRYABLE = new Set(['40P01', '40001']);

async function commitWithRetry(db: Kysely<Database>, units: Unit[], project: Projector, guard?: Guard, attempts = 3): Promise<UnitOutcome[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await commitBatch(db, units, project, guard);
    } catch (error) {
      if (attempt >= attempts || !RETRYABLE.has((error as { code?: string }).code ?? '')) throw error;
    }
  }
}
