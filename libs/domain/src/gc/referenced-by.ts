import type { PinEvent } from '../pin/pin-event';
import type { TagEvent } from '../tag/tag-event';
import { targetAfter } from '../tag/target-after';

export interface ManifestRef {
  repository: string;
  digest: string;
}

/**
 * The manifest an event makes referenced, if any: where a tag points after a
 * create, move or restore, or what a pin holds. A GC lease refuses exactly these.
 */
export function referencedBy(event: TagEvent | PinEvent): ManifestRef | null {
  switch (event.type) {
    case 'ManifestPinned':
      return { repository: event.data.repository, digest: event.data.digest };
    case 'ManifestUnpinned':
      return null;
    default: {
      const target = targetAfter(event);
      return target && { repository: event.data.repository, digest: target.digest };
    }
  }
}
