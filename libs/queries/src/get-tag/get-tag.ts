import type { Database } from '@tag-history/database';
import type { Kysely } from 'kysely';
import { type TagView, toTagView } from '../tag-view';

export async function getTag(db: Kysely<Database>, repository: string, tag: string): Promise<TagView | undefined> {
  const row = await db.selectFrom('tags').selectAll().where('repository', '=', repository).where('tag', '=', tag).executeTakeFirst();
  return row && toTagView(row);
}
