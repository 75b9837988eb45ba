import { TagHistoryError } from '../errors/tag-history-error';
import { parseDuration } from '../gc/parse-duration';
import type { PolicySpec } from './policy';
import { assertPolicyGlob } from './policy-glob';

const PARAMETERS = { immutable: [], protected: [], expire: ['after'], retain: ['keep', 'sort'] } as const;
const MAX_KEEP = 1_000_000;
const POLICY_ID = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** Policy ids: lowercase letters, digits, `.`, `_`, `-`, at most 64, starting with a letter or digit. */
export function assertPolicyId(id: string): void {
  if (!POLICY_ID.test(id)) {
    throw new TagHistoryError('PARAMETER_INVALID', 'a policy id is 1 to 64 lowercase letters, digits, ".", "_" or "-", starting with a letter or digit', {
      id,
    });
  }
}

/**
 * `{"repositories","tags","rule", ...parameters}`. Every field is checked and
 * nothing unknown is kept, so the stored policy says exactly what is enforced;
 * its fields come out in one order, so equal policies are equal JSON.
 */
export function parsePolicy(body: unknown): PolicySpec {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw invalid('a policy must be a JSON object', {});
  const { repositories, tags, rule } = body as Record<string, unknown>;
  if (typeof rule !== 'string' || !Object.hasOwn(PARAMETERS, rule)) {
    throw invalid('rule must be one of immutable, protected, expire, retain', { rule: typeof rule === 'string' ? rule : String(rule) });
  }
  const name = rule as keyof typeof PARAMETERS;
  const unknown = Object.keys(body).filter((k) => !['repositories', 'tags', 'rule', ...PARAMETERS[name]].includes(k));
  if (unknown.length > 0) throw invalid(`unknown field for rule ${name}: ${unknown.join(', ')}`, { fields: unknown });
  assertPolicyGlob('repositories', repositories);
  assertPolicyGlob('tags', tags);
  const p = body as Record<string, unknown>;
  switch (name) {
    case 'immutable':
    case 'protected':
      return { repositories, tags, rule: name };
    case 'expire':
      return { repositories, tags, rule: name, after: parseAfter(p.after) };
    case 'retain': {
      if (typeof p.keep !== 'number' || !Number.isInteger(p.keep) || p.keep < 1 || p.keep > MAX_KEEP) {
        throw invalid(`keep must be an integer from 1 to ${MAX_KEEP}`, { keep: p.keep === undefined ? 'missing' : String(p.keep) });
      }
      if (p.sort !== undefined && p.sort !== 'pushed') throw invalid('sort must be "pushed"', { sort: String(p.sort) });
      return { repositories, tags, rule: name, keep: p.keep, sort: 'pushed' };
    }
    default: {
      const never: never = name;
      throw new Error(`unknown rule ${String(never)}`);
    }
  }
}

function parseAfter(after: unknown): string {
  if (typeof after !== 'string') throw invalid('after must be an ISO 8601 duration such as P7D', { after: after === undefined ? 'missing' : String(after) });
  let ms: number;
  try {
    ms = parseDuration(after, 'after');
  } catch {
    throw invalid('after must be an ISO 8601 duration such as P7D, PT12H or P1W (no years or months)', { after });
  }
  if (ms === 0) throw invalid('after must be longer than zero', { after });
  return after;
}

function invalid(message: string, detail: Record<string, unknown>): TagHistoryError {
  return new TagHistoryError('BODY_INVALID', message, detail);
}
