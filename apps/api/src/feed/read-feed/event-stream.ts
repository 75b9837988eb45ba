import type { ServerResponse } from 'node:http';
import type { RecordedEvent } from '@tag-history/event-store';
import type { FastifyReply } from 'fastify';
import { encodeCursor } from '../cursor';
import { feedEvent } from '../feed-event';
import type { FeedReader } from '../feed-reader';
import type { ReadFeedRequest } from './read-feed.request';

/** A comment line at least this often keeps proxies from closing an idle stream. */
const KEEP_ALIVE_MS = 15_000;

/**
 * Serves the feed as Server-Sent Events until the client leaves or the
 * instance shuts down. Each event's `id` is its cursor, so an EventSource
 * that reconnects resumes after the last event it received, with no repeats.
 * `first` is read before the stream opens, so that a failing database is
 * still an ordinary 503; a later failure ends the stream, and the client
 * reconnects.
 */
export async function serveEventStream(reply: FastifyReply, reader: FeedReader, request: ReadFeedRequest, first: RecordedEvent[]): Promise<void> {
  reply.hijack();
  const raw = reply.raw;
  const socket = raw.socket;
  const gone = () => raw.destroyed || raw.writableEnded;
  raw.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', 'x-accel-buffering': 'no' });
  let { after } = request;
  let events = first;
  const unsubscribe = reader.subscribe('sse');
  try {
    while (!gone() && !reader.closed) {
      for (const event of events) {
        await write(raw, `id: ${encodeCursor(event.position)}\ndata: ${JSON.stringify(feedEvent(event))}\n\n`);
        after = event.position;
      }
      events = await reader.next(after, request.limit, request.filter, KEEP_ALIVE_MS, gone, 'sse');
      if (events.length === 0 && !gone()) await write(raw, ': keep-alive\n\n');
    }
  } catch {
    // The database went away; ending the stream makes the client reconnect with Last-Event-ID.
  } finally {
    unsubscribe();
  }
  // The socket goes too: a client that stopped reading must not hold it (and a shutdown) open, and
  // whatever the client did receive, it resumes after with Last-Event-ID.
  raw.end();
  socket?.destroy();
}

function write(raw: ServerResponse, chunk: string): Promise<void> {
  if (raw.write(chunk)) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      raw.off('drain', done).off('close', done);
      resolve();
    };
    raw.on('drain', done).on('close', done);
  });
}
