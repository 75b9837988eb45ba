import { parseDateTime } from './input/date-time';
import { count } from './input/query-params';

/** An RFC 3339 date-time (the one parser, input/date-time.ts); undefined when absent. Routes with a query schema use dateTime() instead. */
export const parseTime = parseDateTime;

/** A non-negative integer such as a global log position or a version; undefined when absent. */
export function parseCount(name: string, value: string | undefined): number | undefined {
  return value === undefined ? undefined : count().parse(value, name);
}
