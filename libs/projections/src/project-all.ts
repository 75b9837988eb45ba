import type { Projector } from '@tag-history/event-store';
import { projectCurrentTags } from './current-tags.projection';
import { projectRepositories } from './repositories.projection';
import { projectTagHistory } from './tag-history.projection';
import { isTagEvent } from './tag-events';

/** Every inline projection, in the order they run inside the append's transaction. */
export const projectAll: Projector = async (trx, events) => {
  const tagEvents = events.filter(isTagEvent);
  if (tagEvents.length === 0) return;
  await projectRepositories(trx, tagEvents);
  await projectCurrentTags(trx, tagEvents);
  await projectTagHistory(trx, tagEvents);
};
