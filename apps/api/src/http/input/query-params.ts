import {
  assertDigest,
  assertRepositoryName,
  assertTagName,
  DIGEST,
  MAX_NAME_LENGTH,
  parseDuration,
  REPOSITORY_NAME,
  TAG_NAME,
  TagHistoryError,
} from '@tag-history/domain';
import { parseDateTime } from './date-time';
import type { QueryParam } from './query-schema';

/** The parameter types every route builds its query schema from. */
function invalid(name: string, message: string, raw: string): TagHistoryError {
  return new TagHistoryError('PARAMETER_INVALID', `${name} ${message}`, { [name]: raw });
}

/** Text of 1 to `max` characters. */
export const text = (max: number): QueryParam<string> => ({
  type: 'string',
  maxLength: max,
  parse: (raw, name) => {
    if (raw === '' || raw.length > max) throw invalid(name, `must be 1 to ${max} characters`, raw);
    return raw;
  },
});

/** A non-negative integer of at most `digits` digits: a log position, a version. */
export const count = (digits = 15): QueryParam<number> => ({
  type: 'integer',
  parse: (raw, name) => {
    if (!new RegExp(`^\\d{1,${digits}}$`).test(raw)) throw invalid(name, `must be a non-negative integer of at most ${digits} digits`, raw);
    return Number(raw);
  },
});

/** A page size: empty means `max`, larger than `max` is cut to it (the next link says what applied). */
export const pageSize = (max: number): QueryParam<number> => ({
  type: 'integer',
  parse: (raw, name) => (raw === '' ? max : Math.min(count(10).parse(raw, name), max)),
});

export const boolean = (): QueryParam<boolean> => ({
  type: 'boolean',
  parse: (raw, name) => {
    if (raw !== 'true' && raw !== 'false') throw invalid(name, 'must be true or false', raw);
    return raw === 'true';
  },
});

/** RFC 3339 (see date-time.ts): the one date format of every route. */
export const dateTime = (): QueryParam<Date> => ({ type: 'string', format: 'date-time', parse: (raw, name) => parseDateTime(name, raw)! });

export const duration = (): QueryParam<string> => ({
  type: 'string',
  format: 'duration',
  parse: (raw, name) => (parseDuration(raw, name), raw),
});

export const repositoryName = (): QueryParam<string> => ({
  type: 'string',
  pattern: REPOSITORY_NAME.source,
  maxLength: MAX_NAME_LENGTH,
  parse: (raw) => (assertRepositoryName(raw), raw),
});
export const tagName = (): QueryParam<string> => ({ type: 'string', pattern: TAG_NAME.source, parse: (raw) => (assertTagName(raw), raw) });
export const digest = (): QueryParam<string> => ({ type: 'string', pattern: DIGEST.source, parse: (raw) => (assertDigest(raw), raw) });

const EVENT_TYPE = /^[A-Za-z][A-Za-z0-9]{0,63}$/;

/** An event type name such as TagMoved. */
export const eventType = (): QueryParam<string> => ({
  type: 'string',
  pattern: EVENT_TYPE.source,
  parse: (raw, name) => {
    if (!EVENT_TYPE.test(raw)) throw invalid(name, 'must be an event type such as TagMoved', raw);
    return raw;
  },
});

/** The parameter must be given. */
export const required = <T>(param: QueryParam<T>): QueryParam<T> & { required: true } => ({ ...param, required: true });

/** The parameter may be repeated; each value is parsed. */
export const many = <T>(param: QueryParam<T>): QueryParam<T> & { multi: true } => ({ ...param, multi: true });
