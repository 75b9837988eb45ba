import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { assertRepositoryName, assertTagName } from '@tag-history/domain';
import { type TagEventView, TagEventsQuery } from '../../queries';
import type { FastifyReply } from 'fastify';
import { count, dateTime, digest, pageSize } from '../../http/input/query-params';
import { parseQuery, QueryParams, type RawQuery } from '../../http/input/query-schema';
import { nextLink } from '../../http/paging';
import { MAX_HISTORY_PAGE } from '../history-page';
import { Type } from '@sinclair/typebox';
import { Api } from '../../http/openapi/api';
import { ARCHIVED, Digest } from '../../http/openapi/schemas';

export const OCI_INDEX_MEDIA_TYPE = 'application/vnd.oci.image.index.v1+json';
const TIMESTAMP = 'org.opencontainers.distribution.tag.timestamp';
const EVENT = 'org.opencontainers.distribution.tag.event';
const QUERY = { n: pageSize(MAX_HISTORY_PAGE), last: count(), before: dateTime(), since: dateTime(), digest: digest() };

/**
 * The history in the shape drafted for the OCI distribution-spec tag-history
 * extension: an image index, newest first. `before` and `since` are RFC 3339
 * times; the `Link` to the next page adds `last` (a version), an exact cursor
 * where timestamps can tie.
 */
@Controller()
export class OciTagHistoryController {
  constructor(private readonly queryBus: QueryBus) {}

  @Get('v2/:name/_oci/tag-history/:tag')
  @Api({
    summary: 'The history as an OCI image index (tag-history extension draft)',
    responses: {
      200: {
        content: {
          [OCI_INDEX_MEDIA_TYPE]: Type.Object({
            schemaVersion: Type.Literal(2),
            mediaType: Type.String(),
            manifests: Type.Array(Type.Object({ digest: Digest })),
          }),
        },
        headers: ['link'],
      },
      410: ARCHIVED,
    },
  })
  @QueryParams(QUERY)
  async history(@Param('name') name: string, @Param('tag') tag: string, @Query() query: RawQuery, @Res({ passthrough: true }) reply: FastifyReply) {
    assertRepositoryName(name);
    assertTagName(tag);
    const { n, last, before, since, digest } = parseQuery(query, QUERY);
    const size = n ?? MAX_HISTORY_PAGE;
    const range = { belowVersion: last, before, since, digest };
    const page = await this.queryBus.execute(new TagEventsQuery(name, tag, size, range));
    const oldest = page.events[page.events.length - 1];
    if (page.more && oldest) {
      const kept = Object.fromEntries(['before', 'since', 'digest'].flatMap((k) => (query[k] !== undefined ? [[k, String(query[k])]] : [])));
      void reply.header('link', nextLink(`/v2/${name}/_oci/tag-history/${tag}`, { n: String(size), ...kept, last: String(oldest.version) }));
    }
    void reply.header('content-type', OCI_INDEX_MEDIA_TYPE);
    return { schemaVersion: 2, mediaType: OCI_INDEX_MEDIA_TYPE, manifests: page.events.map(descriptor) };
  }
}

/** A move, restore or creation is the new target's "created"; a deletion is the old target's "deleted". */
function descriptor(event: TagEventView) {
  const deleted = event.target === null;
  const target = (deleted ? event.previous : event.target)!;
  return {
    mediaType: target.mediaType,
    size: target.size,
    digest: target.digest,
    annotations: { [TIMESTAMP]: event.time, [EVENT]: deleted ? 'deleted' : 'created' },
  };
}
