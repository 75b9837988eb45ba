import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { DATABASE, type Database } from '@tag-history/database';
import { type Claim, claimIdempotencyKey, releaseIdempotencyKey, type StoredAnswer, storeIdempotentAnswer } from '@tag-history/event-store';
import { TagHistoryError } from '@tag-history/domain';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import { actorOf } from '../http/actor';
import { toOciError } from '../http/oci-error';
import { setIdempotencyClaim } from './idempotency-claim';
import { requestFingerprint } from './request-fingerprint';

/** The answer headers a retry gets back; the rest are made fresh for every response. */
const KEPT_HEADERS = ['etag', 'location', 'content-type', 'link', 'tag-history-position'];
/** How long a retry waits for the first request with its key to finish before it answers 409. */
const WAIT_FOR_FIRST_MS = 10_000;
const WAIT_STEP_MS = 50;

/**
 * `Idempotency-Key` on a write: the first request with a key runs and its
 * answer is kept; a retry with the same key and request gets that answer
 * again (with `Idempotent-Replayed: true`) and runs nothing; the same key
 * with another request is 422. A write endpoint runs its whole handler
 * through `run`. A plain call rather than a Nest interceptor: with one, Nest
 * wraps every request of the route, keyed or not, in a chain of RxJS
 * observables and async-context bindings (measured: a sixth of a move's CPU
 * time at 32 clients, docs/benchmarks.md).
 */
@Injectable()
export class Idempotency {
  private readonly logger = new Logger('idempotency');

  constructor(@Inject(DATABASE) private readonly db: Kysely<Database>) {}

  /** The answer `write` gives, or the one recorded for the request's key; the handler's status and headers go on `reply`. */
  async run<T>(request: FastifyRequest, reply: FastifyReply, write: () => Promise<T>): Promise<T> {
    const key = parseIdempotencyKey(request.headers['idempotency-key']);
    if (key === undefined) return write();
    const actor = actorOf(request);
    const claim = await this.claim(actor, key, requestFingerprint(request));
    if (claim.kind === 'answered') {
      void reply.status(claim.answer.status).headers({ ...claim.answer.headers, 'idempotent-replayed': 'true' });
      return JSON.parse(claim.answer.body) as T;
    }
    const { owner } = claim;
    setIdempotencyClaim(request, { actor, key, owner, ...(claim.recorded ? { recorded: claim.recorded } : {}) });
    let body: T;
    try {
      body = await write();
    } catch (error) {
      await this.failed(actor, key, owner, error);
      throw error;
    }
    const headers = Object.fromEntries(KEPT_HEADERS.flatMap((h) => (reply.hasHeader(h) ? [[h, String(reply.getHeader(h))]] : [])));
    await this.settle(() => storeIdempotentAnswer(this.db, actor, key, owner, { status: reply.statusCode, headers, body: JSON.stringify(body) }));
    return body;
  }

  /** Claims the key, waiting while another request holds it. */
  private async claim(actor: string, key: string, fingerprint: string): Promise<Exclude<Claim, { kind: 'running' | 'mismatch' }>> {
    const deadline = Date.now() + WAIT_FOR_FIRST_MS;
    for (;;) {
      const claim = await claimIdempotencyKey(this.db, actor, key, fingerprint);
      if (claim.kind === 'mismatch') {
        throw new TagHistoryError('IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was used for another request', { idempotencyKey: key });
      }
      if (claim.kind !== 'running') return claim;
      if (Date.now() >= deadline) {
        throw new TagHistoryError('CONFLICT', 'the first request with this Idempotency-Key is still running; retry later', { idempotencyKey: key });
      }
      await sleep(WAIT_STEP_MS);
    }
  }

  /**
   * A 4xx is the request's answer and is kept like a success. After a 5xx the
   * key is released so that a retry runs again: the failure either changed
   * nothing or (a commit whose answer was lost) left a state in which running
   * the same write again appends nothing.
   */
  private async failed(actor: string, key: string, owner: string, error: unknown): Promise<void> {
    const kept = await this.settle(async () => {
      const { status, body } = toOciError(error);
      if (status >= 500) return false;
      const answer: StoredAnswer = { status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
      await storeIdempotentAnswer(this.db, actor, key, owner, answer);
      return true;
    });
    // Whatever went wrong, the claim never outlives its request: a retry runs again rather than waiting for the lease.
    if (kept !== true) await this.settle(() => releaseIdempotencyKey(this.db, actor, key, owner));
  }

  /** The client's answer does not depend on this bookkeeping: an unsettled claim only makes a retry wait for its lease. */
  private async settle<T>(work: () => Promise<T>): Promise<T | undefined> {
    try {
      return await work();
    } catch (error) {
      this.logger.warn(`could not settle an Idempotency-Key: ${(error as Error).message}`);
      return undefined;
    }
  }
}

function parseIdempotencyKey(header: string | string[] | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (typeof header !== 'string' || !/^[\x21-\x7e]{1,255}$/.test(header)) {
    throw new TagHistoryError('PARAMETER_INVALID', 'Idempotency-Key must be 1 to 255 visible ASCII characters', { idempotencyKey: header });
  }
  return header;
}
