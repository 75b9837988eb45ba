import type { Database } from '@tag-history/database';
import { sql, type Transaction } from 'kysely';
import type { RecordedTagEvent } from './tag-events';

/**
 * `repositories`: every repository that ever had a tag, so the tag list can
 * tell "empty" from "unknown". Its time is that of the repository's first
 * creation in log order: times are read before an append and positions
 * given at commit, so the smallest time need not be the first event, and
 * only "first by position" comes out the same in a live batch and in a
 * rebuild's page.
 */
export async function projectRepositories(trx: Transaction<Database>, events: RecordedTagEvent[]): Promise<void> {
  const first = new Map<string, RecordedTagEvent>();
  for (const e of events) if (e.type === 'TagCreated' && !first.has(e.data.repository)) first.set(e.data.repository, e);
  if (first.size === 0) return;
  const created = [...first.values()];
  await sql`
    insert into repositories (name, created_at)
    select * from unnest(
      ${created.map((e) => e.data.repository)}::text[],
      ${created.map((e) => e.recordedAt.toISOString())}::timestamptz[]
    )
    on conflict do nothing`.execute(trx);
}
