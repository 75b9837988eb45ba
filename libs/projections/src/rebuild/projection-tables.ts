import type { Database } from '@tag-history/database';

/** Every table that `tag_history_project` writes: what a rebuild recreates and a check compares. */
export const PROJECTION_TABLES = [
  'repositories',
  'tags',
  'tag_history',
  'pins',
  'gc_leases',
  'policies',
  'tag_expiry',
] as const satisfies readonly (keyof Database)[];
