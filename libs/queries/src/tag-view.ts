import type { TagsTable } from '@tag-history/database';
import type { Target } from '@tag-history/domain';

/** A tag as queries answer it: the tag object plus where it stands in the log. */
export interface TagView {
  name: string;
  tag: string;
  target: Target;
  version: number;
  position: number;
  updatedAt: string;
  updatedBy: string;
}

export function toTagView(row: TagsTable): TagView {
  return {
    name: row.repository,
    tag: row.tag,
    target: { mediaType: row.media_type, size: row.size, digest: row.digest },
    version: row.version,
    position: row.position,
    updatedAt: row.updated_at.toISOString(),
    updatedBy: row.updated_by,
  };
}
