import { TagHistoryError } from '@tag-history/domain';

// RFC 3339 date-time, with its offset; the fields are then checked against the calendar.
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(\.\d{1,9})?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;

/**
 * The one date parser of every route: an RFC 3339 date-time with its offset
 * (`2026-01-31T12:00:00Z`); a date without a time or an offset names no
 * instant and is refused. Impossible dates (February 30, hour 24, offset +99:99) are refused, never
 * rolled over the way `new Date` does. Undefined when absent.
 */
export function parseDateTime(name: string, value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const time = toTime(value);
  if (time === undefined) {
    throw new TagHistoryError('PARAMETER_INVALID', `${name} must be an RFC 3339 date-time such as 2026-01-31T12:00:00Z`, {
      [name]: value,
    });
  }
  return time;
}

function toTime(value: string): Date | undefined {
  const m = DATE_TIME.exec(value);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const [offsetHours, offsetMinutes] = [Number(m[9] ?? 0), Number(m[10] ?? 0)];
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59 || offsetHours > 23 || offsetMinutes > 59) return undefined;
  const date = new Date(Date.UTC(2000, 0, 1, hour, minute, second, Math.floor(Number(m[7] ?? 0) * 1000)));
  date.setUTCFullYear(year, month - 1, day);
  const offset = (m[8] === '-' ? -1 : 1) * (offsetHours * 60 + offsetMinutes) * 60_000;
  return new Date(date.getTime() - offset);
}

function daysIn(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}
