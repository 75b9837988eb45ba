import type { Database, TagsTable } from '@tag-history/database';
import { type Kysely, sql } from 'kysely';
import { type TagView, toTagView } from '../tag-view';

export interface TagKey {
  repository: string;
  tag: string;
}

/** Many current tags in one query; the answer has a view (or undefined) per key, in order. */
export async function getTags(db: Kysely<Database>, keys: TagKey[]): Promise<(TagView | undefined)[]> {
  // The key columns are collate "C": the probes must be too, or the primary key index is not used.
  const { rows } = await sql<TagsTable>`
    select t.* from tags t
    join unnest(${keys.map((k) => k.repository)}::text[], ${keys.map((k) => k.tag)}::text[]) as k(repository, tag)
      on t.repository = k.repository collate "C" and t.tag = k.tag collate "C"`.execute(db);
  const found = new Map(rows.map((row) => [`${row.repository}:${row.tag}`, row]));
  return keys.map((k) => {
    const row = found.get(`${k.repository}:${k.tag}`);
    return row && toTagView(row);
  });
}
