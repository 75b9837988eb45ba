import { type RawBuilder, sql } from 'kysely';

/**
 * An event row of the log as the JSON text of its TagEventView, byte for byte
 * what JSON.stringify(toTagEventView(row)) gives, written by Postgres so that
 * a history page is text copied through, not rows parsed, mapped and
 * serialised again. Null for an event whose data holds a null anywhere
 * (json_strip_nulls, used here for compact output, would drop it): those go
 * through toTagEventView.
 */
export const tagEventJson: RawBuilder<string | null> = sql<string | null>`case when data @? '$.** ? (@ == null)' then null else
  '{"version":' || version || ',"position":' || position || ',"type":' || to_json(type)::text
  || ',"previous":' || coalesce(json_strip_nulls((data->'from')::json)::text, 'null')
  || ',"target":' || case when type = 'TagDeleted' then 'null' else json_strip_nulls((data->'target')::json)::text end
  || coalesce(',"restoredVersion":' || (data->'restoredVersion')::text, '')
  || ',"actor":' || to_json(actor)::text
  || coalesce(',"provenance":' || json_strip_nulls((data->'provenance')::json)::text, '')
  || ',"time":"' || to_char(recorded_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
  || '","jws":' || to_json(jws)::text || '}' end`;
