import { parseDuration, type RetentionPolicy, retentionFor } from '@tag-history/domain';
import { type RawBuilder, sql } from 'kysely';

export interface ReferencedSources {
  /** Current tags, one row per tag. */
  tags: RawBuilder<unknown>;
  /** Digests a tag left within the retention, with the end of their recovery window. */
  window: RawBuilder<unknown>;
  pins: RawBuilder<unknown>;
}

/**
 * The three reasons a digest is referenced, each as a query sorted by
 * (repository, digest) in byte order ("C"): merged while streaming, they give
 * the referenced set deduplicated without sorting it as a whole. Current
 * tags come in index order (tags_gc_order), from the index alone unless the
 * tag names are asked for (reasons).
 */
export function referencedSources(retention: RetentionPolicy, time: Date, repository: string | undefined, reasons: boolean): ReferencedSources {
  const overrides = Object.keys(retention.repositories);
  const defaultMs = parseDuration(retention.default, 'retention');
  const overrideMs = overrides.map((r) => retentionFor(retention, r));
  // An indexable lower bound on to_time; the exact per-repository cutoff is checked after.
  const earliest = new Date(time.getTime() - Math.max(defaultMs, ...overrideMs)).toISOString();
  const only = (column: string) => (repository === undefined ? sql`true` : sql`${sql.ref(column)} = ${repository}`);
  const retentionMs = sql`coalesce(o.ms, ${defaultMs}::bigint) * interval '1 millisecond'`;
  return {
    tags: sql`
      select repository, digest collate "C" as digest${reasons ? sql`, tag` : sql``} from tags
      where ${only('repository')}
      order by repository, digest collate "C"`,
    window: sql`
      select h.repository, h.digest collate "C" as digest, max(h.to_time + ${retentionMs}) as until
      from tag_history h
      left join unnest(${overrides}::text[], ${overrideMs}::bigint[]) as o(repository, ms) on o.repository = h.repository
      where h.to_time > ${earliest}::timestamptz
        and h.to_time > ${time.toISOString()}::timestamptz - ${retentionMs}
        and ${only('h.repository')}
      group by h.repository, h.digest collate "C"
      order by h.repository, h.digest collate "C"`,
    pins: sql`
      select repository, digest, reason from pins
      where ${only('repository')}
      order by repository, digest`,
  };
}
