import type { EventJson } from '@tag-history/event-store';

export const AUDIT_CSV_HEADER = 'position,time,actor,type,repository,tag,from,target,stream,version,hash\r\n';

/** One CSV line (RFC 4180): who moved which tag when, from what to what. */
export function auditCsvLine(event: EventJson): string {
  const { repository, tag, from, target } = event.data as { repository?: string; tag?: string; from?: { digest?: string }; target?: { digest?: string } };
  return (
    [event.position, event.time, event.actor, event.type, repository, tag, from?.digest, target?.digest, event.stream, event.version, event.hash]
      .map((v) => csvField(v === undefined ? '' : String(v)))
      .join(',') + '\r\n'
  );
}

function csvField(value: string): string {
  // A leading = + - @ would be run as a formula by spreadsheets: quote it as text.
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
