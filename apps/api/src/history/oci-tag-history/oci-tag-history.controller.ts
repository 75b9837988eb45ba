import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { QueryBus } from '@nestjs/cqrs';
import { assertDigest, assertRepositoryName, assertTagName } from '@tag-history/domain';
import { type TagEventView, TagEventsQuery } from '@tag-history/queries';
import type { FastifyReply } from 'fastify';
import { nextLink, pageSize } from '../../http/paging';
import { parseCount, parseTime } from '../../http/point-in-time';
import { MAX_HISTORY_PAGE } from '../tag-history/tag-history.controller';

export const OCI_INDEX_MEDIA_TYPE = 'application/vnd.oci.image.index.v1+json';
const TIMESTAMP = 'org.opencontainers.distribution.tag.timestamp';
const EVENT = 'org.opencontainers.distribution.tag.event';

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
  async history(
    @Param('name') name: string,
    @Param('tag') tag: string,
    @Query() query: Record<string, string | undefined>,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    assertRepositoryName(name);
    assertTagName(tag);
    const size = pageSize(query.n, MAX_HISTORY_PAGE);
    if (query.digest !== undefined) assertDigest(query.digest);
    const range = {
      belowVersion: parseCount('last', query.last),
      before: parseTime('before', query.before),
      since: parseTime('since', query.since),
      digest: query.digest,
    };
    const page = await this.queryBus.execute(new TagEventsQuery(name, tag, size, range));
    const oldest = page.events[page.events.length - 1];
    if (page.more && oldest) {
      const kept = Object.fromEntries(['before', 'since', 'digest'].flatMap((k) => (query[k] !== undefined ? [[k, query[k]!]] : [])));
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
