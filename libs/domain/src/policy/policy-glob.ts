import { TagHistoryError } from '../errors/tag-history-error';

// Repository globs: name characters and `/`, with `*` and `?` within a path component and `**` across components
// (as TRUST_POLICY and REGISTRY_REPOSITORIES read them). Tag globs: tag characters with `*` and `?`.
const REPOSITORY_GLOB = /^(?!.*\*\*\*)(?!\/)(?!.*\/\/)(?!.*\/$)[a-z0-9._\-/*?]{1,255}$/;
const TAG_GLOB = /^(?!.*\*\*)[A-Za-z0-9_.\-*?]{1,128}$/;

export function assertPolicyGlob(field: 'repositories' | 'tags', glob: unknown): asserts glob is string {
  const pattern = field === 'repositories' ? REPOSITORY_GLOB : TAG_GLOB;
  if (typeof glob !== 'string' || !pattern.test(glob)) {
    const what = field === 'repositories' ? 'repository name characters, `/`, `*`, `?` and `**`' : 'tag characters, `*` and `?`';
    throw new TagHistoryError('BODY_INVALID', `${field} must be a glob of ${what}`, { [field]: typeof glob === 'string' ? glob : String(glob) });
  }
}

/**
 * The glob as a regular expression, written so that JavaScript and
 * PostgreSQL (`~`) read it alike: the SQL prefilter of a policy run and the
 * domain's own matching must agree.
 */
export function policyGlobSource(field: 'repositories' | 'tags', glob: string): string {
  const any = field === 'repositories' ? '[^/]*' : '.*';
  const one = field === 'repositories' ? '[^/]' : '.';
  const segment = (part: string) => part.replace(/\./g, '\\.').replace(/\*/g, any).replace(/\?/g, one);
  return `^${glob.split('**').map(segment).join('.*')}$`;
}

/**
 * Matched step by step over the value, keeping every glob position still
 * possible (at most one per token): time is the value's length times the
 * glob's. A backtracking RegExp takes time exponential in the stars on a near
 * miss (`*a*a*a…*b` against `aaaa…`), and every tag write matches every policy.
 */
export function matchesPolicyGlob(field: 'repositories' | 'tags', glob: string, value: string): boolean {
  const tokens = glob.match(/\*\*|[^]/g) ?? [];
  const fits = (c: string) => field === 'tags' || c !== '/';
  // Stars match nothing too: a position before a star is also the position after it.
  const closed = (positions: Set<number>) => {
    for (const i of positions) if (tokens[i] === '*' || tokens[i] === '**') positions.add(i + 1);
    return positions;
  };
  let positions = closed(new Set([0]));
  for (const c of value) {
    const next = new Set<number>();
    for (const i of positions) {
      const token = tokens[i];
      if (token === '**' || (token === '*' && fits(c))) next.add(i);
      else if ((token === '?' && fits(c)) || token === c) next.add(i + 1);
    }
    if (next.size === 0) return false;
    positions = closed(next);
  }
  return positions.has(tokens.length);
}
