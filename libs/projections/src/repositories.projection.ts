import type { Database } from '@tag-history/database';
import { sql, type Transaction } from 'kysely';
import type { RecordedTagEvent } from './tag-events';

/** `repositories`: every repository that ever had a tag, so the tag list can tell "empty" from "unknown". */
export async function projectRepositories(trx: Transaction<Database>, events: RecordedTagEvent[]): Promise<void> {
  const created = events.filter((e) => e.type === 'TagCreated');
  if (created.length === 0) return;
  await sql`
    insert into repositories (name, created_at)
    select name, min(at) from unnest(
      ${created.map((e) => e.data.repository)}::text[],
      ${created.map((e) => e.recordedAt.toISOString())}::timestamptz[]
    ) as r(name, at)
    group by name
    on conflict do nothing`.execute(trx);
}
