import { TagHistoryError } from '@tag-history/domain';
import { Api } from '../openapi/api';
import { excerpt } from './excerpt';
import { isStorableText } from './text';

/**
 * One query parameter, described (for documentation: the JSON Schema type
 * and format it would have) and parsed. Parameters are single-valued unless
 * `multi`: a repeated single-valued parameter is refused, never "the first
 * one wins" (an access policy and a handler could read different ones).
 */
export interface QueryParam<T> {
  readonly type: 'string' | 'integer' | 'boolean';
  readonly format?: string;
  /** The grammar a value must match, for the OpenAPI document (parse() is what checks it). */
  readonly pattern?: string;
  readonly maxLength?: number;
  readonly multi?: boolean;
  /** Absent is refused (400 PARAMETER_INVALID) rather than parsed as undefined. */
  readonly required?: boolean;
  parse(raw: string, name: string): T;
}

export type QuerySchema = Record<string, QueryParam<unknown>>;

export type ParsedQuery<S extends QuerySchema> = {
  [K in keyof S]: S[K] extends QueryParam<infer T> ? (S[K]['multi'] extends true ? T[] : S[K]['required'] extends true ? T : T | undefined) : never;
};

export type RawQuery = Record<string, string | string[] | undefined>;

/** Parses the parameters a route declares; undeclared ones are ignored (but were checked as text at the edge). */
export function parseQuery<S extends QuerySchema>(query: unknown, schema: S): ParsedQuery<S> {
  const raw = (query ?? {}) as RawQuery;
  const parsed: Record<string, unknown> = {};
  for (const [name, param] of Object.entries(schema)) {
    const values = rawValues(raw, name, param);
    if (param.required && values.length === 0) throw new TagHistoryError('PARAMETER_INVALID', `${name} is required`, { [name]: null });
    parsed[name] = param.multi ? values.map((v) => param.parse(v, name)) : values.length === 0 ? undefined : param.parse(values[0]!, name);
  }
  return parsed as ParsedQuery<S>;
}

/** Every value of a parameter, as storable text; more than one only where the parameter is `multi`. */
export function rawValues(query: RawQuery, name: string, param?: Pick<QueryParam<unknown>, 'multi'>): string[] {
  const value = query[name];
  if (value === undefined) return [];
  const values = Array.isArray(value) ? value : [value];
  if (values.length > 1 && !param?.multi) throw new TagHistoryError('PARAMETER_INVALID', `${excerpt(name, 64)} may be given once`, { parameter: name });
  for (const v of values) {
    if (!isStorableText(v))
      throw new TagHistoryError('PARAMETER_INVALID', `${excerpt(name, 64)} is not well-formed Unicode or holds U+0000`, { parameter: name });
  }
  return values;
}

/**
 * Declares a route's query parameters, so that the edge (create-app.ts)
 * checks every parameter of every request against them before any guard or
 * handler: text, and repetition.
 */
export function QueryParams(schema: QuerySchema): MethodDecorator {
  return Api({ query: schema });
}

/** The edge check: each parameter given is storable text and given once unless the route's schema says `multi`. */
export function checkQuery(query: unknown, schema: QuerySchema | undefined): void {
  const raw = (query ?? {}) as RawQuery;
  for (const name of Object.keys(raw)) {
    if (!isStorableText(name)) throw new TagHistoryError('PARAMETER_INVALID', 'a parameter name is not well-formed Unicode or holds U+0000', {});
    rawValues(raw, name, schema && Object.hasOwn(schema, name) ? schema[name] : undefined);
  }
}
