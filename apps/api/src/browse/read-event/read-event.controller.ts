import { Controller, Get, Header, Param } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { TagHistoryError } from '@tag-history/domain';
import { ReadEventQuery } from '../../queries';
import { feedEvent } from '../../feed/feed-event';
import { count } from '../../http/input/query-params';
import { Type } from '@sinclair/typebox';
import { Api } from '../../http/openapi/api';
import { ARCHIVED, json, RecordedEvent } from '../../http/openapi/schemas';

/**
 * One event by its log position, with the event before it in its stream: all
 * a browser needs to check the signature, the row against the signed payload
 * and the hash-chain link itself, trusting nothing this answer claims.
 */
@Controller()
export class ReadEventController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get('v2/_events/:position')
  @Api({
    summary: 'One event and the one before it in its stream',
    responses: { 200: json(Type.Object({ event: RecordedEvent, previous: Type.Union([RecordedEvent, Type.Null()]) }), ['cache-control']), 410: ARCHIVED },
  })
  @Header('cache-control', 'no-store')
  async read(@Param('position') text: string) {
    const position = count().parse(text, 'position');
    const found = await this.queryBus.execute(new ReadEventQuery(position));
    if (!found) throw new TagHistoryError('EVENT_UNKNOWN', `there is no event at position ${position}`, { position });
    return { event: feedEvent(found.event), previous: found.previous && feedEvent(found.previous) };
  }
}
