import { type RetentionPolicy, retentionFor } from '@tag-history/domain';
import { type RawBuilder, sql } from 'kysely';

/**
 * The referenced set as one query, sorted by (repository, digest) so that a
 * digest referenced several ways comes out once, deduplicated by the
 * database while streaming. A digest is referenced when a tag points at it,
 * when a tag left it less than the retention before `time`, or when pinned.
 */
export function referencedRows(retention: RetentionPolicy, time: Date, repository: string | undefined, reasons: boolean): RawBuilder<unknown> {
  const overrides = Object.keys(retention.repositories);
  const defaultMs = retentionFor(retention, '');
  const overrideMs = overrides.map((r) => retentionFor(retention, r));
  // An indexable lower bound on to_time; the exact per-repository cutoff is checked after.
  const earliest = new Date(time.getTime() - Math.max(defaultMs, ...overrideMs)).toISOString();
  const only = (column: string) => (repository === undefined ? sql`true` : sql`${sql.ref(column)} = ${repository}`);
  const retentionMs = sql`coalesce(o.ms, ${defaultMs}::bigint)`;
  const window = sql`
    select h.repository, h.digest, h.tag, h.to_time + ${retentionMs} * interval '1 millisecond' as until
    from tag_history h
    left join unnest(${overrides}::text[], ${overrideMs}::bigint[]) as o(repository, ms) on o.repository = h.repository
    where h.to_time > ${earliest}::timestamptz
      and h.to_time > ${time.toISOString()}::timestamptz - ${retentionMs} * interval '1 millisecond'
      and ${only('h.repository')}`;
  if (!reasons) {
    return sql`
      select repository, digest from (
        select repository, digest from tags where ${only('repository')}
        union all
        select repository, digest from (${window}) w
        union all
        select repository, digest from pins where ${only('repository')}
      ) referenced
      group by repository, digest
      order by repository, digest`;
  }
  return sql`
    select repository, digest,
      array_agg(tag order by tag) filter (where kind = 'tag') as tags,
      max(until) as recovery_until,
      max(pin_reason) as pin_reason
    from (
      select repository, digest, tag, 'tag' as kind, null::timestamptz as until, null as pin_reason from tags where ${only('repository')}
      union all
      select repository, digest, tag, 'window', until, null from (${window}) w
      union all
      select repository, digest, null, 'pin', null, reason from pins where ${only('repository')}
    ) referenced
    group by repository, digest
    order by repository, digest`;
}
