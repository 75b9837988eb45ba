import { FindTagsByDigestHandler } from './find-tags-by-digest/find-tags-by-digest.handler';
import { GetTagHandler } from './get-tag/get-tag.handler';
import { ReferencedSetHandler } from './gc-referenced/referenced-set.handler';
import { ListPinsHandler } from './list-pins/list-pins.handler';
import { ListTagsHandler } from './list-tags/list-tags.handler';
import { SweepLeasesHandler } from './sweep-leases/sweep-leases.handler';

export * from './tag-view';
export * from './get-tag/get-tag.query';
export * from './get-tag/get-tag.handler';
export * from './list-tags/list-tags.query';
export * from './list-tags/list-tags.handler';
export * from './find-tags-by-digest/find-tags-by-digest.query';
export * from './find-tags-by-digest/find-tags-by-digest.handler';

export * from './gc-referenced/referenced-set.query';
export * from './gc-referenced/referenced-set.handler';
export * from './list-pins/list-pins.query';
export * from './list-pins/list-pins.handler';
export * from './sweep-leases/sweep-leases.query';
export * from './sweep-leases/sweep-leases.handler';

export const queryHandlers = [GetTagHandler, ListTagsHandler, FindTagsByDigestHandler];
export const gcQueryHandlers = [ReferencedSetHandler, ListPinsHandler, SweepLeasesHandler];
