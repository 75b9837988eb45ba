/**
 * A scope in the registry token format: `repository:<name>:<action>` or
 * `registry:catalog:*`. Tokens carry them as `access` entries.
 */
export interface Scope {
  type: 'repository' | 'registry';
  name: string;
  action: string;
}

export interface AccessEntry {
  type: string;
  name: string;
  actions: string[];
}

export const CATALOG: Scope = { type: 'registry', name: 'catalog', action: '*' };

export function scopeString(scope: Scope): string {
  return `${scope.type}:${scope.name}:${scope.action}`;
}

/** Exact names only, as the registry token format has no wildcards in names; `*` as an action grants every action. */
export function grants(access: readonly AccessEntry[], scope: Scope): boolean {
  return access.some((a) => a.type === scope.type && a.name === scope.name && (a.actions.includes(scope.action) || a.actions.includes('*')));
}
