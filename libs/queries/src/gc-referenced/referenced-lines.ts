import { parseDuration, type RetentionPolicy, retentionFor } from '@tag-history/domain';
import { type RawBuilder, sql } from 'kysely';
import { closedSince } from '../tag-history/closed-since';

/**
 * The referenced set as one query of NDJSON lines (each ending in a newline),
 * in (repository, digest) order, one line per referenced digest: the three
 * reasons a digest is referenced (current tags, digests a tag left within the
 * retention, pins) are each sorted by (repository, digest), merged and
 * grouped as they stream (no sort or hash of the whole set, when read through
 * a cursor: the planner then favours plans that start at once). Postgres writes
 * the lines so that the service only copies text: a million rows as objects
 * in Node were most of the stream's memory. Current tags come in index order
 * (tags_gc_order), from the index alone unless the tag names are asked for.
 */
export function referencedLines(retention: RetentionPolicy, time: Date, repository: string | undefined, reasons: boolean): RawBuilder<{ line: string }> {
  const overrides = Object.keys(retention.repositories);
  const defaultMs = parseDuration(retention.default, 'retention');
  const overrideMs = overrides.map((r) => retentionFor(retention, r));
  // The widest window, whose closed intervals are found through indexes; the exact per-repository cutoff is checked after.
  const earliest = new Date(time.getTime() - Math.max(defaultMs, ...overrideMs)).toISOString();
  const only = (column: string) => (repository === undefined ? sql`true` : sql`${sql.ref(column)} = ${repository}`);
  const retentionMs = sql`coalesce(o.ms, ${defaultMs}::bigint) * interval '1 millisecond'`;
  // Each source sorted on its own, so that the planner merges them (an index scan of tags, no sort of the whole set).
  const sources = sql`
    (select repository, digest collate "C" as digest, ${reasons ? sql`tag` : sql`null::text`} as tag, null::timestamptz as until, null::text as reason
    from tags where ${only('repository')}
    order by repository, digest collate "C")
    union all
    (select h.repository, h.digest collate "C", null, max(h.to_time + ${retentionMs}), null
    from ${closedSince(earliest)} as h
    left join unnest(${overrides}::text[], ${overrideMs}::bigint[]) as o(repository, ms) on o.repository = h.repository
    where h.to_time > ${time.toISOString()}::timestamptz - ${retentionMs}
      and ${only('h.repository')}
    group by h.repository, h.digest collate "C"
    order by h.repository, h.digest collate "C")
    union all
    (select repository, digest, null, null, reason from pins where ${only('repository')} order by repository, digest)`;
  // Names and digests never need escaping (their grammars allow no quote, backslash or control character).
  const line = reasons
    ? sql`'{"repository":"' || repository || '","digest":"' || digest || '","reasons":{' || concat_ws(',',
        '"tags":[' || string_agg(to_json(tag)::text, ',' order by tag collate "C") || ']',
        '"recoveryUntil":"' || to_char(max(until) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') || '"',
        '"pin":' || to_json(max(reason))::text) || E'}}\n'`
    : sql`'{"repository":"' || repository || '","digest":"' || digest || E'"}\n'`;
  return sql<{ line: string }>`
    select ${line} as line from (${sources}) as s
    group by repository, digest
    order by repository, digest`;
}
