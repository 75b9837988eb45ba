import type { Projector } from '@tag-history/event-store';
import { projectCurrentTags } from './current-tags.projection';
import { isPinEvent, isSweepEvent } from './gc-events';
import { projectGcSweeps } from './gc-sweeps.projection';
import { projectPins } from './pins.projection';
import { projectRepositories } from './repositories.projection';
import { projectTagHistory } from './tag-history.projection';
import { isTagEvent } from './tag-events';

/** Every inline projection, in the order they run inside the append's transaction. */
export const projectAll: Projector = async (trx, events) => {
  const tagEvents = events.filter(isTagEvent);
  if (tagEvents.length > 0) {
    await projectRepositories(trx, tagEvents);
    await projectCurrentTags(trx, tagEvents);
    await projectTagHistory(trx, tagEvents);
  }
  const pinEvents = events.filter(isPinEvent);
  if (pinEvents.length > 0) await projectPins(trx, pinEvents);
  // Last: a sweep leases only what the rest of the batch, too, left unreferenced.
  const sweepEvents = events.filter(isSweepEvent);
  if (sweepEvents.length > 0) await projectGcSweeps(trx, sweepEvents);
};
