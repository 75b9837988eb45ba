import { Injectable } from '@nestjs/common';
import { TagHistoryError } from '@tag-history/domain';

/** A principal's batches: one runs, the rest wait in order. */
interface Lane {
  tail: Promise<void>;
  /** Running and waiting batches. */
  batches: number;
}

/** After a batch that took T, its principal's next batch starts T × REST_FACTOR later: batch work gets at most a third of the time. */
export const REST_FACTOR = 2;
/** Batches a principal may have running or waiting; beyond, 429. */
export const MAX_BATCHES_PER_PRINCIPAL = 4;

/**
 * Fairness between callers: every batch shares the one log-head lock (and
 * this process's CPU) with everyone's writes, so a principal runs one batch
 * at a time and rests after each in proportion to its cost. A token sending
 * 1,000-operation batches back to back slows its own batches, while other
 * callers' writes find the log free most of the time.
 */
@Injectable()
export class BatchAdmission {
  private readonly lanes = new Map<string, Lane>();

  async run<T>(principal: string, work: () => Promise<T>): Promise<T> {
    const lane = this.lanes.get(principal) ?? { tail: Promise.resolve(), batches: 0 };
    if (lane.batches >= MAX_BATCHES_PER_PRINCIPAL) {
      throw new TagHistoryError('TOO_MANY_REQUESTS', `at most ${MAX_BATCHES_PER_PRINCIPAL} batches per caller run or wait at once; retry later`, {
        max: MAX_BATCHES_PER_PRINCIPAL,
      });
    }
    lane.batches++;
    this.lanes.set(principal, lane);
    const previous = lane.tail;
    let release!: () => void;
    lane.tail = new Promise((resolve) => (release = resolve));
    await previous;
    const started = performance.now();
    try {
      return await work();
    } finally {
      setTimeout(
        () => {
          if (--lane.batches === 0) this.lanes.delete(principal);
          release();
        },
        (performance.now() - started) * REST_FACTOR,
      ).unref();
    }
  }
}
