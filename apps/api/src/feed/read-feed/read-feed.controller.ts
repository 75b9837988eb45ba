import { Controller, Get, Headers, Inject, Query, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { encodeCursor } from '../cursor';
import { feedEvent } from '../feed-event';
import { FeedReader } from '../feed-reader';
import { serveEventStream } from './event-stream';
import { QueryParams, type RawQuery } from '../../http/input/query-schema';
import { FEED_QUERY, parseReadFeedRequest } from './read-feed.request';
import { Type } from '@sinclair/typebox';
import { Api } from '../../http/openapi/api';
import { RecordedEvent, Text } from '../../http/openapi/schemas';

/** The change feed: every event of the log, in log order, after a cursor. */
@Controller()
export class ReadFeedController {
  constructor(@Inject(FeedReader) private readonly reader: FeedReader) {}

  @Get('v2/_events')
  @Api({
    summary: 'The change feed: a page after a cursor (long-poll with wait), or Server-Sent Events',
    headers: ['accept', 'last-event-id'],
    responses: {
      200: {
        content: { 'application/json': Type.Object({ events: Type.Array(RecordedEvent), cursor: Type.String() }), 'text/event-stream': Text },
        headers: ['cache-control'],
      },
    },
  })
  @QueryParams(FEED_QUERY)
  async read(@Query() query: RawQuery, @Headers() headers: RawQuery, @Res() reply: FastifyReply): Promise<void> {
    const request = parseReadFeedRequest(query, headers);
    const gone = () => reply.raw.destroyed;
    if (request.stream) {
      const first = await this.reader.next(request.after, request.limit, request.filter, 0, gone);
      return serveEventStream(reply, this.reader, request, first);
    }
    const events = await this.reader.next(request.after, request.limit, request.filter, request.waitMs, gone);
    void reply.header('cache-control', 'no-store').send({ events: events.map(feedEvent), cursor: encodeCursor(events.at(-1)?.position ?? request.after) });
  }
}
