// The Nest side of the queries: query classes and their @QueryHandler adapters; what they read with lives in libs/queries.
import { ArchivedHeadsHandler } from './archived-heads/archived-heads.handler';
import { AuditEventsHandler } from './audit-events/audit-events.handler';
import { FindTagsByDigestHandler } from './find-tags-by-digest/find-tags-by-digest.handler';
import { GetTagHandler } from './get-tag/get-tag.handler';
import { ReferencedSetHandler } from './gc-referenced/referenced-set.handler';
import { ListPinsHandler } from './list-pins/list-pins.handler';
import { ListTagsHandler } from './list-tags/list-tags.handler';
import { DigestHistoryHandler } from './tag-history/digest-history.handler';
import { GetTagAtHandler } from './tag-history/get-tag-at.handler';
import { TagEventsHandler } from './tag-history/tag-events.handler';
import { TagEventsJsonHandler } from './tag-history/tag-events-json.handler';
import { TagIntervalsHandler } from './tag-history/tag-intervals.handler';
import { SweepLeasesHandler } from './sweep-leases/sweep-leases.handler';
import { ListRepositoriesHandler } from './list-repositories/list-repositories.handler';
import { ReadEventHandler } from './read-event/read-event.handler';
import { RepositoryTimelineHandler } from './repository-timeline/repository-timeline.handler';

export * from '@tag-history/queries';
export * from './get-tag/get-tag.query';
export * from './get-tag/get-tag.handler';
export * from './list-tags/list-tags.query';
export * from './list-tags/list-tags.handler';
export * from './find-tags-by-digest/find-tags-by-digest.query';
export * from './find-tags-by-digest/find-tags-by-digest.handler';
export * from './tag-history/get-tag-at.query';
export * from './tag-history/tag-events.query';
export * from './tag-history/tag-events-json.query';
export * from './tag-history/tag-intervals.query';
export * from './tag-history/digest-history.query';
export * from './read-feed/read-feed.query';
export * from './read-feed/read-feed.handler';
export * from './audit-events/audit-events.query';
export * from './audit-events/audit-events.handler';
export * from './gc-referenced/referenced-set.query';
export * from './gc-referenced/referenced-set.handler';
export * from './list-pins/list-pins.query';
export * from './list-pins/list-pins.handler';
export * from './sweep-leases/sweep-leases.query';
export * from './sweep-leases/sweep-leases.handler';
export * from './list-repositories/list-repositories.query';
export * from './list-repositories/list-repositories.handler';
export * from './repository-timeline/repository-timeline.query';
export * from './repository-timeline/repository-timeline.handler';
export * from './read-event/read-event.query';
export * from './archived-heads/archived-heads.query';
export * from './read-event/read-event.handler';

export const queryHandlers = [
  GetTagHandler,
  ListTagsHandler,
  FindTagsByDigestHandler,
  GetTagAtHandler,
  TagEventsHandler,
  TagEventsJsonHandler,
  TagIntervalsHandler,
  DigestHistoryHandler,
];
export const gcQueryHandlers = [ReferencedSetHandler, ListPinsHandler, SweepLeasesHandler];
export const auditQueryHandlers = [AuditEventsHandler, ArchivedHeadsHandler];
/** What the audit page reads besides the history endpoints. */
export const browseQueryHandlers = [ListRepositoriesHandler, RepositoryTimelineHandler, ReadEventHandler];
