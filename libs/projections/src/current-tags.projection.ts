import type { Database } from '@tag-history/database';
import { targetAfter } from '@tag-history/domain';
import { sql, type Transaction } from 'kysely';
import type { RecordedTagEvent } from './tag-events';

/**
 * `tags`: one row per tag that exists now, where it points and who moved it
 * last. Its (repository, digest) index is also the alias groups: the tags
 * that point at one digest now.
 */
export async function projectCurrentTags(trx: Transaction<Database>, events: RecordedTagEvent[]): Promise<void> {
  const latest = new Map<string, RecordedTagEvent>();
  for (const event of events) latest.set(event.streamId, event);
  const last = [...latest.values()];
  const present = last.flatMap((e) => {
    const target = targetAfter(e);
    return target ? [{ ...e, target }] : [];
  });
  const deleted = last.filter((e) => targetAfter(e) === null);

  // One statement: the rows deleted and the rows upserted are different tags.
  await sql`
    with removed as (
      delete from tags t
      using unnest(${deleted.map((e) => e.data.repository)}::text[], ${deleted.map((e) => e.data.tag)}::text[]) as d(repository, tag)
      where t.repository = d.repository and t.tag = d.tag
    )
    insert into tags (repository, tag, media_type, size, digest, version, position, updated_at, updated_by)
    select * from unnest(
      ${present.map((e) => e.data.repository)}::text[],
      ${present.map((e) => e.data.tag)}::text[],
      ${present.map((e) => e.target.mediaType)}::text[],
      ${present.map((e) => e.target.size)}::bigint[],
      ${present.map((e) => e.target.digest)}::text[],
      ${present.map((e) => e.version)}::int[],
      ${present.map((e) => e.position)}::bigint[],
      ${present.map((e) => e.recordedAt.toISOString())}::timestamptz[],
      ${present.map((e) => e.actor)}::text[]
    )
    on conflict (repository, tag) do update set
      media_type = excluded.media_type, size = excluded.size, digest = excluded.digest,
      version = excluded.version, position = excluded.position,
      updated_at = excluded.updated_at, updated_by = excluded.updated_by`.execute(trx);
}
