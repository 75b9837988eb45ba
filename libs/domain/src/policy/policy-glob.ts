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

const compiled = new Map<string, RegExp>();

export function matchesPolicyGlob(field: 'repositories' | 'tags', glob: string, value: string): boolean {
  const key = `${field} ${glob}`;
  let pattern = compiled.get(key);
  if (!pattern) {
    if (compiled.size > 10_000) compiled.clear();
    pattern = new RegExp(policyGlobSource(field, glob));
    compiled.set(key, pattern);
  }
  return pattern.test(value);
}
