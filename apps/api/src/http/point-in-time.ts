import { TagHistoryError } from '@tag-history/domain';

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:[Zz]|[+-]\d{2}:\d{2})$/;

/** An RFC 3339 date-time with its offset (`2026-11-27T10:00:00Z`); undefined when absent. */
export function parseTime(name: string, value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const time = new Date(value);
  if (!RFC3339.test(value) || Number.isNaN(time.getTime())) {
    throw new TagHistoryError('PARAMETER_INVALID', `${name} must be an RFC 3339 date-time such as 2026-01-31T12:00:00Z`, { [name]: value });
  }
  return time;
}

/** A non-negative integer such as a global log position or a version; undefined when absent. */
export function parseCount(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,15}$/.test(value)) {
    throw new TagHistoryError('PARAMETER_INVALID', `${name} must be a non-negative integer`, { [name]: value });
  }
  return Number(value);
}
