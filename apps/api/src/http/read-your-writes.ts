import { AsyncLocalStorage } from 'node:async_hooks';
import { withRequiredPosition } from '@tag-history/database';
import { TagHistoryError } from '@tag-history/domain';
import type { FastifyInstance, FastifyReply } from 'fastify';

/** On every write answer: the log position a read must reach to see the write. */
export const POSITION_HEADER = 'tag-history-position';
/** On a read: answer only from a copy of the log that has this position. */
export const MIN_POSITION_HEADER = 'tag-history-min-position';

const replies = new AsyncLocalStorage<FastifyReply>();

/**
 * Read-your-writes across replicas. Every request's handler runs with its
 * reply at hand, so that the write path can put the position of what it
 * wrote on the answer (see `answerWrittenPosition`), and with the position
 * its `Tag-History-Min-Position` requires, which the read router honours.
 * `preHandler`: after the body is parsed, so the handler runs in this context.
 */
export function installReadYourWrites(fastify: FastifyInstance): void {
  fastify.addHook('preHandler', (request, reply, done) => {
    let min: number | undefined;
    try {
      min = parseMinPosition(request.headers[MIN_POSITION_HEADER]);
    } catch (error) {
      return done(error as Error);
    }
    replies.run(reply, () => withRequiredPosition(min, done));
  });
}

/** The event store's `written` hook: the answer of the request that wrote says where its write is. */
export function answerWrittenPosition(position: number): void {
  const reply = replies.getStore();
  if (!reply || reply.sent) return;
  const before = Number(reply.getHeader(POSITION_HEADER) ?? 0);
  void reply.header(POSITION_HEADER, String(Math.max(before, position)));
}

function parseMinPosition(header: string | string[] | undefined): number | undefined {
  if (header === undefined) return undefined;
  if (typeof header !== 'string' || !/^\d{1,15}$/.test(header)) {
    throw new TagHistoryError('PARAMETER_INVALID', `${MIN_POSITION_HEADER} must be one log position: a non-negative integer`, {
      [MIN_POSITION_HEADER]: String(header),
    });
  }
  return Number(header);
}
