import type { Target } from '@tag-history/domain';
import type { TagView } from '../tag-view';

/** What an event does to its tag's current row. */
export interface TagChange {
  key: string;
  version: number;
  /** The tag after the event; null when the event deletes it. */
  view: TagView | null;
}

/** The fields of an event a change needs: those of a RecordedEvent. */
export interface ChangeEvent {
  position: number;
  streamId: string;
  version: number;
  type: string;
  data: Record<string, unknown>;
  actor: string;
  recordedAt: Date;
}

/**
 * The change the `tags` projection (tag_history_project, migration 0006)
 * makes for an event, computed the same way; undefined for events that do not
 * touch it (other streams).
 */
export function tagChangeOf(e: ChangeEvent): TagChange | undefined {
  switch (e.type) {
    case 'TagDeleted':
      return { key: e.streamId, version: e.version, view: null };
    case 'TagCreated':
    case 'TagMoved':
    case 'TagRestored': {
      const { repository, tag, target } = e.data as { repository: string; tag: string; target: Target };
      return {
        key: e.streamId,
        version: e.version,
        view: {
          name: repository,
          tag,
          target: { mediaType: target.mediaType, size: target.size, digest: target.digest },
          version: e.version,
          position: e.position,
          updatedAt: e.recordedAt.toISOString(),
          updatedBy: e.actor,
        },
      };
    }
    default:
      return undefined;
  }
}
