import { Readable } from 'node:stream';
import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { type EventJson, toEventJson } from '@tag-history/event-store';
import { AuditEventsQuery, type AuditFilter } from '../../queries';
import type { FastifyReply } from 'fastify';
import { QueryParams, type RawQuery } from '../../http/input/query-schema';
import { nextLink } from '../../http/paging';
import { AUDIT_CSV_HEADER, auditCsvLine } from './audit-csv';
import { AUDIT_QUERY, auditFormat, MAX_AUDIT_PAGE, parseAuditRequest } from './audit-log.request';
import { Type } from '@sinclair/typebox';
import { Api } from '../../http/openapi/api';
import { RecordedEvent, Text } from '../../http/openapi/schemas';

const EXPORT_PAGE = 1_000;

const CONTENT_TYPES = { json: 'application/json', csv: 'text/csv; charset=utf-8', ndjson: 'application/x-ndjson' } as const;

/**
 * Who moved what when, newest first. JSON is paginated with a Link header;
 * CSV and NDJSON stream every matching event (or `n` of them) page by page,
 * so an export of the whole log never sits in memory.
 */
@Controller()
export class AuditLogController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get('v2/_audit')
  @Api({
    summary: 'Who moved what when, newest first: JSON pages, or a CSV or NDJSON export',
    headers: ['accept'],
    responses: {
      200: {
        content: { 'application/json': Type.Object({ events: Type.Array(RecordedEvent) }), 'text/csv': Text, 'application/x-ndjson': Text },
        headers: ['link', 'vary'],
      },
    },
  })
  @QueryParams(AUDIT_QUERY)
  async audit(@Query() query: RawQuery, @Headers('accept') accept: string | undefined, @Res() reply: FastifyReply) {
    const { filter, before, n } = parseAuditRequest(query);
    const format = auditFormat(accept);
    void reply.header('content-type', CONTENT_TYPES[format]).header('vary', 'Accept');
    if (format === 'json') {
      const size = Math.min(n ?? MAX_AUDIT_PAGE, MAX_AUDIT_PAGE);
      const page = await this.queryBus.execute(new AuditEventsQuery(filter, size, before));
      const last = page.events[page.events.length - 1];
      if (page.more && last) void reply.header('link', nextLink('/v2/_audit', linkQuery(query, size, last.position)));
      return reply.send({ events: page.events.map(toEventJson) });
    }
    const limit = n ?? Infinity;
    const line = format === 'csv' ? auditCsvLine : (e: EventJson) => `${JSON.stringify(e)}\n`;
    return reply.send(Readable.from(this.export(filter, before, limit, format === 'csv' ? AUDIT_CSV_HEADER : '', line)));
  }

  private async *export(filter: AuditFilter, before: number | undefined, limit: number, header: string, line: (e: EventJson) => string) {
    if (header) yield header;
    let sent = 0;
    for (let cursor = before; sent < limit;) {
      const page = await this.queryBus.execute(new AuditEventsQuery(filter, Math.min(EXPORT_PAGE, limit - sent), cursor));
      if (page.events.length > 0) yield page.events.map((e) => line(toEventJson(e))).join('');
      sent += page.events.length;
      if (!page.more) return;
      cursor = page.events[page.events.length - 1]!.position;
    }
  }
}

function linkQuery(query: RawQuery, n: number, last: number): Record<string, string> {
  const kept = Object.entries(query).filter((e): e is [string, string] => e[1] !== undefined && e[0] !== 'n' && e[0] !== 'last');
  return { ...Object.fromEntries(kept), n: String(n), last: String(last) };
}
