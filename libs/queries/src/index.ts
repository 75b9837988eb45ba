import { AuditEventsHandler } from './audit-events/audit-events.handler';
import { FindTagsByDigestHandler } from './find-tags-by-digest/find-tags-by-digest.handler';
import { GetTagHandler } from './get-tag/get-tag.handler';
import { ListTagsHandler } from './list-tags/list-tags.handler';

export * from './tag-view';
export * from './get-tag/get-tag.query';
export * from './get-tag/get-tag.handler';
export * from './list-tags/list-tags.query';
export * from './list-tags/list-tags.handler';
export * from './find-tags-by-digest/find-tags-by-digest.query';
export * from './find-tags-by-digest/find-tags-by-digest.handler';
export * from './audit-events/audit-events.query';
export * from './audit-events/audit-events.handler';

export const queryHandlers = [GetTagHandler, ListTagsHandler, FindTagsByDigestHandler];
export const auditQueryHandlers = [AuditEventsHandler];
