import { TagHistoryError } from '../errors/tag-history-error';

// Weeks, days, hours, minutes, seconds. Years and months are refused: their
// length depends on the calendar, and a retention must be an exact span.
const DURATION = /^P(?:(\d{1,9})W)?(?:(\d{1,9})D)?(?:T(?:(\d{1,9})H)?(?:(\d{1,9})M)?(?:(\d{1,9}(?:[.,]\d{1,9})?)S)?)?$/;
const UNIT_MS = [7 * 86_400_000, 86_400_000, 3_600_000, 60_000, 1_000];
// About a thousand years: far beyond any retention, well inside Date's range.
const MAX_MS = 1000 * 366 * 86_400_000;

/** An ISO 8601 duration such as `P7D` or `PT1H30M`, in milliseconds. */
export function parseDuration(value: string, what = 'duration'): number {
  const match = DURATION.exec(value);
  const parts = match?.slice(1) ?? [];
  const timeDesignatorEmpty = value.endsWith('T');
  if (!match || parts.every((p) => p === undefined) || timeDesignatorEmpty) {
    throw new TagHistoryError('PARAMETER_INVALID', `${what} must be an ISO 8601 duration such as P7D, PT12H or P1W (no years or months)`, {
      [what]: value,
    });
  }
  const ms = Math.round(parts.reduce((sum, p, i) => sum + (p === undefined ? 0 : Number(p.replace(',', '.')) * UNIT_MS[i]!), 0));
  if (ms > MAX_MS) throw new TagHistoryError('PARAMETER_INVALID', `${what} is too long`, { [what]: value });
  return ms;
}
